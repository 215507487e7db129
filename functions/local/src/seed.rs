//! The demo the local server seeds on its first start: an office, an organization with foreign nationals
//! inside and outside the filing window, a staff user and an officer, an organization suspended for want of a
//! periodic report (Q76) with its staff user, with log-in details printed and kept
//! in the data folder.

use std::path::Path;

use zairyu_app::Wiring;
use zairyu_app::ports::Ids;
use zairyu_app::services::import::Import;
use zairyu_domain::account::{User, UserKind};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::certificate::{Certificate, CertificateCode};
use zairyu_domain::error::{Language, Text};
use zairyu_domain::form::Sex;
use zairyu_domain::jst::JstDate;
use zairyu_domain::office::Office;
use zairyu_domain::organization::{
    ApprovalOfUse, ForeignNational, Organization, OrganizationKind, OrganizationProfile,
};
use zairyu_domain::period::PeriodOfStay;
use zairyu_domain::status::OfficerRole;
use zairyu_domain::status_of_residence::StatusOfResidence;
use zairyu_domain::values::{EmailAddress, NameOnCard, Password, ResidenceCardNumber, UserId};

type Error = Box<dyn std::error::Error + Send + Sync>;

const MARKER: &str = "demo";
pub const CREDENTIALS_FILE: &str = "demo-credentials.txt";
/// The demo's sample electronic certificate of eligibility, signed with the local key.
pub const SAMPLE_CERTIFICATE_FILE: &str = "sample-certificate-of-eligibility.pdf";

/// A password that meets Q88, from random bytes.
fn password(ids: &dyn Ids) -> String {
    let token: String = ids.token().chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    format!("{token}#7a")
}

/// A person on the list, as the card shows them: who they are, and their stay (status, period, expiry).
fn person(
    card: &str,
    name: &str,
    nationality: &str,
    (birth, sex): (&str, Sex),
    (status, period, expiry): (StatusOfResidence, &str, JstDate),
) -> Result<ForeignNational, Error> {
    Ok(ForeignNational {
        card_number: ResidenceCardNumber::parse(card)?,
        name: NameOnCard::parse(name)?,
        nationality: Text::parse(nationality)?,
        birth_date: JstDate::parse(birth)?,
        sex,
        status,
        period_of_stay: PeriodOfStay::parse(period)?,
        expiry,
        passport_number: None,
        passport_expiry: None,
        email: None,
        kanji_name_on_card: false,
    })
}

async fn user(
    ports: &Wiring,
    id: &str,
    kind: UserKind,
    org: Option<&OrganizationId>,
    name: &str,
    email: &str,
    today: JstDate,
) -> Result<(User, String), Error> {
    let id = UserId::parse(id)?;
    let secret = password(ports.ids.as_ref());
    let hash = ports.hasher.hash(&Password::parse(&id, &secret)?).await?;
    let mut u = User::new(id, kind, org.cloned(), Text::parse(name)?, EmailAddress::parse(email)?, Language::Ja);
    u.change_password(hash, today);
    Ok((u, secret))
}

/// Seeds the demo once; returns what to print.
pub async fn demo(
    ports: &Wiring,
    core: &zairyu_app::Core,
    sealing: &zairyu_app::services::certificates::Sealing,
    data: &Path,
    url: &str,
) -> Result<String, Error> {
    let file = data.join(CREDENTIALS_FILE);
    if file.exists() {
        return Ok(format!("demo data already present; log-in details are in {}", file.display()));
    }
    let today = JstDate::of_instant(ports.clock.now());
    let org_id = OrganizationId::parse("sakura-systems")?;
    let profile = OrganizationProfile::parse(
        OrganizationKind::Corporation,
        "Sakura Systems K.K.",
        "1-1-1 Kasumigaseki, Chiyoda-ku, Tokyo",
        "7011001021234",
        Office::Tokyo,
    )?;
    let org = Organization::approved(org_id.clone(), profile, ApprovalOfUse::granted(today.sub_days(30)));
    let people = [
        // Inside the window: expires in 2 months.
        person(
            "AB12345678CD",
            "NGUYEN,VAN,AN",
            "Viet Nam",
            ("19950412", Sex::Male),
            (StatusOfResidence::EngineerHumanitiesInternational, "1Y", today.add_months(2)),
        )?,
        // Too early: expires in 7 months.
        person(
            "EF23456789GH",
            "SANTOS,MARIA,CLARA",
            "Philippines",
            ("19900203", Sex::Female),
            (StatusOfResidence::NursingCare, "3Y", today.add_months(7)),
        )?,
        // A 3-month stay past its halfway point.
        person(
            "JK34567890LM",
            "KIM,MINJI",
            "Republic of Korea",
            ("20000715", Sex::Female),
            (StatusOfResidence::Dependent, "3M", today.add_days(30)),
        )?,
        // Not covered online (Q29).
        person(
            "NP45678901QR",
            "PATEL,RAJ",
            "India",
            ("19880921", Sex::Male),
            (StatusOfResidence::SpecifiedSkilledWorker1, "1Y", today.add_months(1)),
        )?,
        // A student about to graduate into a job at Sakura Systems (#33 item 4): her stay runs past the
        // spring, too early for an extension; a change of status to engineer is the procedure for her.
        person(
            "MN90123456PQ",
            "LEE,JIWOO",
            "Republic of Korea",
            ("20030418", Sex::Female),
            (StatusOfResidence::Student, "2Y", today.add_months(5)),
        )?,
        // Four engineers inside the window, to enter together with the blanket input template (Q40).
        person(
            "ST56789012UV",
            "SILVA,JOAO,PEDRO",
            "Brazil",
            ("19920310", Sex::Male),
            (StatusOfResidence::EngineerHumanitiesInternational, "3Y", today.add_months(2)),
        )?,
        person(
            "WX67890123YZ",
            "TRAN,THI,MAI",
            "Viet Nam",
            ("19980122", Sex::Female),
            (StatusOfResidence::EngineerHumanitiesInternational, "1Y", today.add_days(45)),
        )?,
        person(
            "AC78901234EG",
            "WANG,FANG",
            "China",
            ("19930808", Sex::Female),
            (StatusOfResidence::EngineerHumanitiesInternational, "5Y", today.add_months(1)),
        )?,
        person(
            "HJ89012345KL",
            "GARCIA,LUIS",
            "Peru",
            ("19870530", Sex::Male),
            (StatusOfResidence::EngineerHumanitiesInternational, "3Y", today.add_days(75)),
        )?,
    ];
    let (staff, staff_password) = user(
        ports,
        "TANAKA01",
        UserKind::OrganizationStaff,
        Some(&org_id),
        "Tanaka Hanako",
        "tanaka@sakura.example.jp",
        today,
    )
    .await?;
    // Q76: an organization whose approval expired with no periodic report approved: suspended, as the
    // daily job leaves it, for the counter to approve its report (scenario 11).
    let kaede_id = OrganizationId::parse("kaede-foods")?;
    let kaede_profile = OrganizationProfile::parse(
        OrganizationKind::Corporation,
        "Kaede Foods K.K.",
        "4-4-4 Shiba, Minato-ku, Tokyo",
        "1180301018771",
        Office::Tokyo,
    )?;
    let mut kaede = Organization::approved(
        kaede_id.clone(),
        kaede_profile,
        ApprovalOfUse::granted(today.sub_months(12).sub_days(1)),
    );
    kaede.suspend_if_expired(today);
    let (kaede_staff, kaede_password) = user(
        ports,
        "KAEDE01",
        UserKind::OrganizationStaff,
        Some(&kaede_id),
        "Sato Kenji",
        "sato@kaede.example.jp",
        today,
    )
    .await?;
    let officer_kind = UserKind::Officer { office: Office::Tokyo, roles: vec![OfficerRole::Admin] };
    let (officer, officer_password) =
        user(ports, "OFFICER01", officer_kind, None, "Immigration Officer", "officer@tokyo.immi.example.jp", today)
            .await?;

    // A certificate of eligibility issued by e-mail to an engineer abroad whom Sakura Systems hires (#35):
    // its signed PDF in the data folder, its verification page at the address printed below.
    let random = (u128::from(ports.ids.random()) << 64) | u128::from(ports.ids.random());
    let certificate = Certificate::issue(
        CertificateCode::from_random(random),
        Office::Tokyo,
        NameOnCard::parse("RIVERA,ANA,LUCIA")?,
        Text::parse("Mexico")?,
        JstDate::parse("19970614")?,
        StatusOfResidence::EngineerHumanitiesInternational,
        today,
    );
    let import = Import {
        once: Some(MARKER.into()),
        organizations: vec![org, kaede],
        users: vec![staff, kaede_staff, officer],
        people: people.into_iter().map(|p| (org_id.clone(), p)).collect(),
        certificates: vec![certificate.clone()],
    };
    if !core.import(import).await? {
        return Ok(format!("demo data already present; log-in details are in {}", file.display()));
    }
    let pdf = data.join(SAMPLE_CERTIFICATE_FILE);
    std::fs::write(&pdf, sealing.signed_pdf(&certificate).await?)?;
    let verify_url = sealing.verify_url(certificate.code());
    let text = format!(
        "Demo seeded (organization \"Sakura Systems K.K.\", Tokyo office):\n  \
         staff user    TANAKA01   password {staff_password}\n  \
         suspended     KAEDE01    password {kaede_password}  (\"Kaede Foods K.K.\": no periodic report)\n  \
         officer user  OFFICER01  password {officer_password}\n  \
         log in: open {url}/ in a browser, or\n  \
         curl -i -H 'content-type: application/json' -d '{{\"user_id\":\"TANAKA01\",\"password\":\"{staff_password}\"}}' {url}/api/login\n  \
         sample electronic certificate of eligibility: {}\n  \
         its verification page: {verify_url}\n",
        pdf.display()
    );
    std::fs::write(data.join(CREDENTIALS_FILE), &text)?;
    Ok(text)
}
