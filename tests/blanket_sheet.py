"""The blanket template filled in as a clerk fills it in a spreadsheet program (openpyxl, which re-saves it as
another program would): the example sheet's row copied once per person, then the person's own card details
typed over it. Shared by the browser tests and the rehearsal on moto (each adds this folder to its path)."""


def fill(template, out, people, wrong_postcode_of=None):
    """Fills `template` (a path or a file) for `people` (list entries as the API shows them) and saves it to
    `out` (a path or a file); the row of `wrong_postcode_of` (a name) gets a mistyped postcode."""
    import openpyxl

    wb = openpyxl.load_workbook(template)
    example, sheet = wb["記入例 Example"], wb["申請 Applications"]
    # Row 2 holds the English headers; applicants start on row 4.
    column = {cell.value: cell.column for cell in sheet[2] if cell.value}
    for offset, p in enumerate(people):
        row = 4 + offset
        for cell in example[4]:
            if cell.value is not None:
                sheet.cell(row=row, column=cell.column, value=cell.value)
        typed = {
            "Name (as on the residence card)": p["name"],
            "Residence card number": p["residence_card_number"],
            "Nationality/region": p["nationality"],
            "Date of birth": p["birth_date"].replace("-", "/"),
            "Sex": "男" if p["sex"] == "male" else "女",
            "Period of stay": p["period_of_stay"],
            "Expiry of the period of stay": p["expiry_date"].replace("-", "/"),
            "Applicant's e-mail for notices": p["residence_card_number"].lower() + "@example.com",
        }
        # Digits typed where a spreadsheet takes them for a number (a "General" cell): the mobile number and a
        # Hokkaido postcode lose their leading 0, the postcode shown under a 000-0000 format. The reader
        # restores them as typed.
        typed["Mobile"] = 9012345678
        typed["Postcode"] = 600001
        if p["name"] == wrong_postcode_of:
            typed["Postcode"] = "12"
        for header, value in typed.items():
            assert header in column, f"no column {header!r} in {sorted(column)}"
            cell = sheet.cell(row=row, column=column[header], value=value)
            if isinstance(value, int):
                cell.number_format = "000-0000" if header == "Postcode" else "General"
    wb.save(out)
    return out
