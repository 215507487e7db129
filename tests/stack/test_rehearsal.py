"""The stack rehearsed as deployed (#30 item 2): infra/template.yaml, through the SAM transform, made on a moto
server of its own (rehearsal.py), every function's artifact from `sam build` running under the Lambda emulator
with the environment the template gives it; events delivered as AWS would deliver them. Asserted on what moto
holds at the end. Needs the artifacts of scripts/sam-build.sh (ZAIRYU_SAM_BUILD_DIR) and the debug build of
zairyu-local (the README's `create-officer --aws`, the operator's first step after a deployment).

IAM is evaluated: every function calls AWS with the credentials of its own role, made in moto from the
template's policies, and the harness as an operator user. What moto does not evaluate, and the rehearsal
therefore does not show: DynamoDB, SES and KMS are authorized by action only (moto passes "*" as the resource
and reads no condition, so notify's dynamodb:LeadingKeys is held by test_template.py and tests/infra.rs, not
here), and a DynamoDB transaction by its API action where AWS authorizes its items (rehearsal.for_moto); SQS and
S3 are evaluated with their resources. KMS encryption is recorded, not enforced; SES has no account-level state (GetAccount), so notify would keep a
refused message rather than drop it; a presigned URL's signature cannot be authorized by moto, so the browser's
upload goes unchecked; the visibility timeout of a failed record is compressed to zero.
"""

import datetime
import io
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

# tests/blanket_sheet.py, shared with the browser tests.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import blanket_sheet  # noqa: E402

from conftest import DEV, transform
from rehearsal import Deployed

STORY_TIMES: dict[str, float] = {}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def moto():
    port = free_port()
    log = open(pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"rehearsal-moto-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/")
            break
        except OSError:
            time.sleep(0.2)
    yield url
    process.kill()
    process.wait()


@pytest.fixture(scope="module")
def stack(moto, tmp_path_factory):
    build = pathlib.Path(os.environ.get("ZAIRYU_SAM_BUILD_DIR", pathlib.Path.home() / ".cache/zairyu-sam-build"))
    missing = [f for f in ["LoginFunction", "SubmitFunction", "StatusFunction", "OfficeFunction", "BatchUploadFunction",
                           "NotifyFunction", "RemindersFunction", "OutboxFunction"] if not (build / f / "bootstrap").is_file()]
    assert not missing, f"no artifact of {missing} in {build}: run scripts/sam-build.sh {build} first"
    template = transform(DEV, tmp_path_factory.mktemp("template") / "template.json")
    logs = tmp_path_factory.mktemp("logs")
    deployed = Deployed(template, DEV, moto, build, logs)
    yield deployed
    deployed.stop()
    print("\nrehearsal: wall time per story (s):", json.dumps(STORY_TIMES))


class Browserless:
    """A client of the API through the edge: a cookie jar and the CSRF token of its session."""

    def __init__(self, stack: Deployed, via_edge: bool = True):
        self.stack, self.via_edge = stack, via_edge
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def call(self, method, path, body=None, content_type="application/json", headers=None):
        h = {"accept": "application/json", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode() if content_type == "application/json" else body
            h["content-type"] = content_type
        if self.cookies:
            h["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method not in ("GET", "HEAD") and self.csrf:
            h["x-csrf-token"] = self.csrf
        status, headers, cookies, raw = self.stack.http(method, path, h, data, via_edge=self.via_edge)
        for c in cookies:
            name, value = c.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw
        return status, payload

    def ok(self, method, path, body=None, expect=(200, 201, 202, 204), **kw):
        status, payload = self.call(method, path, body, **kw)
        assert status in expect, f"{method} {path}: {status} {payload}"
        return payload

    def log_in(self, user_id, password):
        payload = self.ok("POST", "/api/login", {"user_id": user_id, "password": password})
        self.csrf = payload["csrf_token"]
        return payload


def token_for(stack, user_id: str) -> str:
    """The set-password token e-mailed for `user_id` (read from moto's SES record)."""
    text = stack.mail()
    for m in re.finditer(r"password\?token=([A-Za-z0-9_-]+)", text):
        window = text[max(0, m.start() - 3000): m.end() + 3000]
        if user_id in window:
            return m.group(1)
    raise AssertionError(f"no set-password e-mail for {user_id} in SES's record")


def jpeg(width=240, height=320) -> bytes:
    """A real baseline JPEG, flat grey (as zairyu_domain::fixtures::jpeg draws it)."""
    def segment(marker, body):
        return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body
    v = b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    v += segment(0xDB, bytes([0]) + bytes([1] * 64))
    v += segment(0xC0, bytes([8]) + height.to_bytes(2, "big") + width.to_bytes(2, "big") + bytes([1, 1, 0x11, 0]))
    for cls in (0x00, 0x10):
        v += segment(0xC4, bytes([cls, 1]) + bytes(15) + bytes([0]))
    v += segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
    blocks = -(-width // 8) * -(-height // 8)
    bits = 2 * blocks
    v += bytes(bits // 8) + (bytes([0xFF >> (bits % 8)]) if bits % 8 else b"")
    return v + b"\xff\xd9"


TODAY = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=9))).date()
PASSWORD = "Rehearse#2026x"


def person(i: int) -> dict:
    """The i-th engineer on the list, inside the filing window (expiry in two months)."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return {
        "residence_card_number": f"R{letters[i // 24 % 24]}{i:08d}{letters[i % 24]}Z",
        "name": f"NGUYEN,VAN,{letters[i % 24]}{letters[i // 24 % 24]}",
        "nationality": "Viet Nam",
        "birth_date": "1995-04-12",
        "sex": "male",
        "status_of_residence": "技術・人文知識・国際業務",
        "period_of_stay": "1年",
        "expiry_date": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "passport_number": "",
        "passport_expiry": "",
        "email": "",
        "kanji_name_on_card": False,
    }


@pytest.fixture(scope="module")
def people(stack):
    """The operator's first admin (create-officer against the stack, as infra/README.md says), an organization
    registered at the counter, its staff user approved (the password from the e-mailed link), and its List of
    Affiliated Foreign Nationals: what the stories share."""
    started = time.monotonic()
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": stack.moto_url, "AWS_REGION": "ap-northeast-1",
        "AWS_ACCESS_KEY_ID": stack.operator[0], "AWS_SECRET_ACCESS_KEY": stack.operator[1],
        "ZAIRYU_TABLE": stack.refs["Table"], "ZAIRYU_QUEUE_URL": stack.refs["NotificationQueue"],
        "ZAIRYU_DEAD_LETTER_URL": stack.refs["NotificationDeadLetterQueue"],
        "ZAIRYU_PHOTOS_BUCKET": stack.refs["PhotosBucket"], "ZAIRYU_UPLOADS_BUCKET": stack.refs["UploadsBucket"],
        "ZAIRYU_TEMPLATES_BUCKET": stack.refs["TemplatesBucket"], "ZAIRYU_KMS_KEY_ID": stack.attributes["DataKey.Arn"],
        "ZAIRYU_PUBLIC_URL": "https://" + DEV["PublicDomainName"],
    }
    local = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", pathlib.Path.home() / ".cache/zairyu-target")) / "debug/zairyu-local"
    out = subprocess.run([str(local), "create-officer", "--aws", "--user-id", "ADMIN01", "--name", "First Admin",
                          "--email", "admin@office.example.jp", "--office", "tokyo", "--roles", "admin,counter,examiner,issuance"],
                         env=env, capture_output=True, text=True, check=True).stdout
    token = re.search(r"token=([A-Za-z0-9_-]+)", out).group(1)
    anonymous = Browserless(stack)
    anonymous.ok("POST", "/api/password-reset", {"token": token, "password": PASSWORD})
    admin = Browserless(stack)
    admin.log_in("ADMIN01", PASSWORD)
    org = admin.ok("POST", "/api/office/organizations", {"kind": "corporation", "name": "Sakura Systems K.K.",
                   "location": "Chiyoda-ku, Tokyo", "corporate_number": "7011001021234", "office": "tokyo"})["id"]
    request = admin.ok("POST", f"/api/office/organizations/{org}/requests-for-use",
                       {"kind": "new", "requester_name": "Tanaka Ichiro", "requester_email": "ichiro@sakura.example.jp"})["id"]
    staff = admin.ok("POST", f"/api/office/organizations/{org}/requests-for-use/{request}/decision", {"approve": True})["issued_user_id"]
    # The approval e-mail goes through the queue to notify and SES.
    assert stack.poll_queues() >= 1
    anonymous.ok("POST", "/api/password-reset", {"token": token_for(stack, staff), "password": PASSWORD})
    for i in range(302):
        p = person(i)
        admin.ok("PUT", f"/api/office/organizations/{org}/foreign-nationals/{p['residence_card_number']}", p)
    STORY_TIMES["set-up (admin, organization, staff, 302 people)"] = round(time.monotonic() - started, 1)
    return {"admin": admin, "org": org, "staff": staff}


def application(p: dict) -> dict:
    return {
        "procedures": ["extension"], "nationality": p["nationality"], "birth_date": p["birth_date"].replace("-", ""),
        "name": p["name"], "sex": "男", "married": "無", "occupation": "Software engineer",
        "home_country_address": "12 Tran Hung Dao, Hoan Kiem, Ha Noi", "postcode": "100-0013", "prefecture": "東京都",
        "city": "千代田区", "street": "霞が関1-1-1", "telephone": "", "mobile": "090-1234-5678",
        "email": "an.nguyen@example.com", "passport_number": "C1234567", "passport_expiry": "20300101",
        "status_of_residence": p["status_of_residence"], "period_of_stay": "1Y", "expiry_date": p["expiry_date"].replace("-", ""),
        "residence_card_number": p["residence_card_number"], "desired_period_of_stay": "3Y",
        "reason": "Continuing employment with Sakura Systems K.K.", "criminal_record": False, "criminal_record_details": "",
        "relatives_in_japan": False, "relatives": [], "receipt_method": "post", "receiving_office": "tokyo",
        "notice_email": "an.nguyen@example.com", "kanji_name_petition": False, "in_japan": True, "applicant_requested": True,
    }


def test_a_staff_member_files_with_a_photo_the_numbers_are_e_mailed_and_an_officer_permits_by_post(stack, people):
    started, calls = time.monotonic(), stack.calls()
    staff = Browserless(stack)
    staff.log_in(people["staff"], PASSWORD)
    app = staff.ok("POST", "/api/applications", application(person(0)))
    app_id = app["id"]
    staff.ok("PUT", f"/api/applications/{app_id}/photo", jpeg(), content_type="image/jpeg")
    filed = staff.ok("POST", f"/api/applications/{app_id}/submit")
    temporary = filed["temporary_receipt_number"]
    assert filed["status"]["code"] == "application_completed" and temporary, filed
    stack.poll_queues()
    assert temporary in stack.mail(), "the temporary receipt number was e-mailed"
    # The official-number schedule runs at its time: 00:00 the next day in Japan.
    reminders = stack.functions["RemindersFunction"]
    reminders.with_clock("+1d")
    assert stack.run_schedule("RemindersFunctionOfficialReceiptNumbers")
    reminders.with_clock(None)
    stack.poll_queues()
    detail = staff.ok("GET", f"/api/applications/{app_id}")
    official = detail["official_receipt_number"]
    assert official, detail
    assert official in stack.mail(), "the official receipt number was e-mailed"
    admin = people["admin"]
    for action in [{"action": "start_examination"},
                   {"action": "permit", "period_of_stay": "3Y", "expiry_date": (TODAY + datetime.timedelta(days=61 + 3 * 365)).isoformat()},
                   {"action": "record_post_documents", "fee_notice_received": True, "fee_notice_signed": True, "old_card_returned": True}]:
        admin.ok("POST", f"/api/office/applications/{app_id}/actions", action)
    posted = admin.ok("POST", f"/api/office/applications/{app_id}/actions", {"action": "issue_card_by_post", "dispatched_on": TODAY.isoformat()})
    assert posted["status"]["code"] == "completed", posted
    stack.poll_queues()
    # What moto holds: the application completed in the table, the photo in its bucket, every e-mail sent.
    final = admin.ok("GET", f"/api/office/applications/{app_id}")
    assert final["status"]["code"] == "completed" and final["card_dispatched_on"] == TODAY.isoformat(), final
    photos = stack.client("s3").list_objects_v2(Bucket=stack.refs["PhotosBucket"]).get("Contents", [])
    assert len(photos) >= 1
    queue = stack.client("sqs").get_queue_attributes(QueueUrl=stack.refs["NotificationQueue"], AttributeNames=["All"])["Attributes"]
    assert queue["ApproximateNumberOfMessages"] == "0" and queue["ApproximateNumberOfMessagesNotVisible"] == "0"
    STORY_TIMES["file, number, permit by post"] = round(time.monotonic() - started, 1)
    after = stack.calls()
    print("AWS calls per function, story 1:", {k: after[k] - calls[k] for k in after if after[k] != calls[k]})


def test_iam_is_evaluated_each_function_under_its_own_role(stack):
    """The roles as the template grants them: a function that may not queue notifications is refused by moto,
    one that may is not; the async failure queue takes records from batch-upload's role and not from login's."""
    from botocore.exceptions import ClientError

    def send(function, queue):
        try:
            stack.client_as(function, "sqs").send_message(QueueUrl=stack.refs[queue], MessageBody="{}")
            return True
        except ClientError as e:
            denied = e.response["ResponseMetadata"]["HTTPStatusCode"] == 403 and "AccessDenied" in str(e.response["Error"])
            assert denied, e.response
            return False

    assert not send("StatusFunction", "NotificationQueue"), "status has no queue-send policy"
    assert not send("LoginFunction", "AsyncFailureQueue")
    assert send("BatchUploadFunction", "AsyncFailureQueue")
    # Clean up what was sent, as the operator.
    sqs = stack.client("sqs")
    for m in sqs.receive_message(QueueUrl=stack.refs["AsyncFailureQueue"], MaxNumberOfMessages=10).get("Messages", []):
        sqs.delete_message(QueueUrl=stack.refs["AsyncFailureQueue"], ReceiptHandle=m["ReceiptHandle"])


def test_a_request_without_the_origin_secret_is_refused(stack):
    status, payload = Browserless(stack, via_edge=False).call("POST", "/api/login", {"user_id": "ADMIN01", "password": PASSWORD})
    assert status == 403 and payload["type"].endswith("not-via-edge"), payload


def filled_template(xlsx: bytes, people: list[dict]) -> bytes:
    """The downloaded template filled in for `people` as a clerk's spreadsheet program saves it."""
    out = io.BytesIO()
    blanket_sheet.fill(io.BytesIO(xlsx), out, people)
    return out.getvalue()


def test_a_300_row_blanket_file_through_the_presigned_upload_registers_300_applications(stack, people):
    started, calls = time.monotonic(), stack.calls()
    staff = Browserless(stack)
    staff.log_in(people["staff"], PASSWORD)
    status, _ = staff.call("GET", "/api/blanket/template?screen_group=work")
    assert status == 200
    # The template as a file: the API answers it as its body (read back raw).
    h = {"cookie": "; ".join(f"{k}={v}" for k, v in staff.cookies.items())}
    code, _, _, template = stack.http("GET", "/api/blanket/template?screen_group=work", h, None)
    assert code == 200 and template[:2] == b"PK"
    body = filled_template(template, [person(i) for i in range(1, 301)])
    started_upload = staff.ok("POST", "/api/blanket/uploads", {"file_name": "April intake.xlsx", "size": len(body)})
    link = started_upload["upload"]
    request = urllib.request.Request(link["url"], data=body, method=link["method"], headers=dict(link["headers"]))
    # moto cannot authorize a presigned URL (its signature in the query string): it goes through unchecked.
    stack.authorize(False)
    try:
        with urllib.request.urlopen(request) as r:
            assert r.status in (200, 204)
    finally:
        stack.authorize(True)
    # S3 tells batch-upload (the bucket's filter: uploads/*.xlsx).
    assert stack.deliver_s3_events() == 1
    upload = staff.ok("GET", f"/api/blanket/uploads/{started_upload['upload_id']}")
    u = upload["upload"]
    assert (u["rows_registered"], u["rows_failed"], u["refusal"]) == (300, 0, None), upload
    listed = staff.ok("GET", "/api/applications?limit=100")
    total, cursor = len(listed["items"]), listed.get("next_cursor")
    while cursor:
        page = staff.ok("GET", f"/api/applications?limit=100&cursor={cursor}")
        total, cursor = total + len(page["items"]), page.get("next_cursor")
    assert total >= 300, total
    # The result e-mail.
    stack.poll_queues()
    assert "April intake.xlsx" in stack.mail(), "the result e-mail names the clerk's file"
    STORY_TIMES["300-row blanket upload"] = round(time.monotonic() - started, 1)
    after = stack.calls()
    print("AWS calls per function, story 2:", {k: after[k] - calls[k] for k in after if after[k] != calls[k]})


def test_a_poison_job_ends_in_the_dead_letter_queue_and_a_failed_event_in_the_failure_queue(stack):
    sqs = stack.client("sqs")
    sqs.send_message(QueueUrl=stack.refs["NotificationQueue"], MessageBody="this is not a notification job")
    stack.poll_queues()
    dead = sqs.receive_message(QueueUrl=stack.refs["NotificationDeadLetterQueue"], MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in dead] == ["this is not a notification job"]
    # An S3 event batch-upload cannot read: tried, retried twice, then recorded in the async failure queue.
    unreadable = {"Records": [{"s3": "not an S3 record"}]}
    assert not stack.invoke_async("BatchUploadFunction", unreadable)
    failed = [json.loads(m["Body"]) for m in
              sqs.receive_message(QueueUrl=stack.refs["AsyncFailureQueue"], MaxNumberOfMessages=10).get("Messages", [])]
    assert [f["requestPayload"] for f in failed] == [unreadable], failed
    assert failed[0]["requestContext"]["condition"] == "RetriesExhausted" and failed[0]["requestContext"]["approximateInvokeCount"] == 3


def test_the_outbox_sweep_delivers_a_job_whose_queue_send_failed(stack, people):
    """The submit function's queue send fails (its queue is not there for it): the commit lands, the job waits in
    the outbox; the outbox function's schedule, a few minutes later, hands it to the queue."""
    submit = stack.functions["SubmitFunction"]
    submit.stop()
    queue_url = submit.environment["ZAIRYU_QUEUE_URL"]
    submit.environment["ZAIRYU_QUEUE_URL"] = queue_url + "-gone"
    try:
        staff = Browserless(stack)
        staff.log_in(people["staff"], PASSWORD)
        app = staff.ok("POST", "/api/applications", application(person(301)))
        staff.ok("PUT", f"/api/applications/{app['id']}/photo", jpeg(), content_type="image/jpeg")
        filed = staff.ok("POST", f"/api/applications/{app['id']}/submit")
        temporary = filed["temporary_receipt_number"]
    finally:
        submit.stop()
        submit.environment["ZAIRYU_QUEUE_URL"] = queue_url
    stack.poll_queues()
    assert temporary not in stack.mail(), "the queue never had the job"
    outbox = stack.functions["OutboxFunction"]
    outbox.with_clock("+5m")
    assert stack.run_schedule("OutboxFunctionSweep")
    outbox.with_clock(None)
    stack.poll_queues()
    assert temporary in stack.mail(), "the swept job's e-mail went out"


def test_a_certificate_of_eligibility_is_issued_sealed_with_the_kms_key_and_handed_out_at_its_link(stack, people):
    """#35: a certificate of eligibility for a person abroad, filed by the staff with her passport and a photo,
    issued by the office as an electronic certificate; notify seals it with the KMS signing key into the
    photos' bucket before its e-mail (which carries the link) goes; the status function hands the signed PDF out
    at that link, to anyone, and the verification page says it is valid."""
    started = time.monotonic()
    staff = Browserless(stack)
    staff.log_in(people["staff"], PASSWORD)
    body = {**application(person(0)), "procedure": "certificate_of_eligibility", "procedures": [],
            "name": "TRAN,THI,BINH", "birth_date": "19980705", "passport_number": "C7654321",
            "status_of_residence": "", "period_of_stay": "", "expiry_date": "", "residence_card_number": "",
            "in_japan": "", "kanji_name_petition": "", "desired_status_of_residence": "engineer_humanities_international",
            "desired_period_of_stay": "1Y", "reason": "To work as a software engineer", "work_activity": "Software development at Sakura Systems K.K.",
            "entry_date": (TODAY + datetime.timedelta(days=90)).isoformat(), "port_of_entry": "Narita Airport",
            "visa_post": "Embassy of Japan in Viet Nam", "receipt_method": "email", "notice_email": "binh.tran@example.com"}
    app_id = staff.ok("POST", "/api/applications", body)["id"]
    staff.ok("PUT", f"/api/applications/{app_id}/photo", jpeg(), content_type="image/jpeg")
    staff.ok("POST", f"/api/applications/{app_id}/submit")
    admin = people["admin"]
    admin.ok("POST", f"/api/office/applications/{app_id}/actions", {"action": "start_examination"})
    issued = admin.ok("POST", f"/api/office/applications/{app_id}/actions", {"action": "issue_certificate"})
    assert issued["status"]["code"] == "completed", issued
    stack.poll_queues()
    mail = stack.mail()
    link = re.search(r"https://oras\.example\.jp(/verify/([0-9A-Z-]{19})/certificate\.pdf)", mail)
    assert link, "the electronic certificate's e-mail with its link"
    path, code = link.group(1), link.group(2)
    keys = [o["Key"] for o in stack.client("s3").list_objects_v2(Bucket=stack.refs["PhotosBucket"], Prefix="certificates/").get("Contents", [])]
    assert keys == [f"certificates/{code.replace('-', '')}.pdf"], keys
    anyone = Browserless(stack)
    status, pdf = anyone.call("GET", path)
    assert status == 200, (status, pdf)
    pdf = pdf if isinstance(pdf, bytes) else pdf.encode("latin-1") if isinstance(pdf, str) else pdf
    assert pdf.startswith(b"%PDF-") and b"/ByteRange" in pdf and b"TRAN,THI,BINH" in pdf
    status, page = anyone.call("GET", f"/verify/{code}")
    assert status == 200 and "TRAN,THI,BINH" in str(page), (status, page)
    STORY_TIMES["certificate of eligibility, sealed by KMS"] = round(time.monotonic() - started, 1)
