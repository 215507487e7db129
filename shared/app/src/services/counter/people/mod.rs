//! The List of Affiliated Foreign Nationals as the counter keeps it: one person at a time, or a whole list
//! file.

pub mod list_file;

use serde::Deserialize;
use zairyu_domain::audit::AuditAction;
use zairyu_domain::error::{Collector, Localized, Text, Violations};
use zairyu_domain::form::Sex;
use zairyu_domain::jst::JstDate;
use zairyu_domain::organization::{ForeignNational, Organization};
use zairyu_domain::period::PeriodOfStay;
use zairyu_domain::status_of_residence::StatusOfResidence;
use zairyu_domain::values::{EmailAddress, NameOnCard, PassportNumber, ResidenceCardNumber};

use super::Counter;
use crate::error::{ServiceError, invalid};
use crate::ports::Cursor;
use crate::services::{Caller, passport_due};
use crate::store::Records;

/// A person for the List of Affiliated Foreign Nationals, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ForeignNationalInput {
    pub residence_card_number: String,
    pub name: String,
    pub nationality: String,
    pub birth_date: String,
    /// 男/女 or male/female, as on the card.
    pub sex: String,
    pub status_of_residence: String,
    pub period_of_stay: String,
    pub expiry_date: String,
    pub passport_number: String,
    pub passport_expiry: String,
    pub email: String,
    pub kanji_name_on_card: bool,
}

fn opt<T, E: Localized>(
    c: &mut Collector,
    field: &str,
    s: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<Option<T>> {
    if s.trim().is_empty() { Some(None) } else { c.take(field, parse(s)).map(Some) }
}

impl ForeignNationalInput {
    pub fn parse(&self) -> Result<ForeignNational, Violations> {
        let mut c = Collector::new();
        let card = c.take("residence_card_number", ResidenceCardNumber::parse(&self.residence_card_number));
        let name = c.take("name", NameOnCard::parse(&self.name));
        let nationality = c.take("nationality", Text::<60>::parse(&self.nationality));
        let birth = c.take("birth_date", JstDate::parse(&self.birth_date));
        let sex = c.take("sex", Sex::parse(&self.sex));
        let status = c.take("status_of_residence", StatusOfResidence::parse(&self.status_of_residence));
        let period = c.take("period_of_stay", PeriodOfStay::parse(&self.period_of_stay));
        let expiry = c.take("expiry_date", JstDate::parse(&self.expiry_date));
        let passport = opt(&mut c, "passport_number", &self.passport_number, PassportNumber::parse);
        let passport_expiry = opt(&mut c, "passport_expiry", &self.passport_expiry, JstDate::parse);
        let email = opt(&mut c, "email", &self.email, EmailAddress::parse);
        c.finish(|| {
            Some(ForeignNational {
                card_number: card?,
                name: name?,
                nationality: nationality?,
                birth_date: birth?,
                sex: sex?,
                status: status?,
                period_of_stay: period?,
                expiry: expiry?,
                passport_number: passport?,
                passport_expiry: passport_expiry?,
                email: email?,
                kanji_name_on_card: self.kanji_name_on_card,
            })
        })
    }
}

impl From<&ForeignNational> for ForeignNationalInput {
    /// The person as the counter's correction form shows it, to be typed over.
    fn from(p: &ForeignNational) -> Self {
        Self {
            residence_card_number: p.card_number.to_string(),
            name: p.name.to_string(),
            nationality: p.nationality.as_str().to_owned(),
            birth_date: p.birth_date.to_string(),
            sex: match p.sex {
                Sex::Male => "male".into(),
                Sex::Female => "female".into(),
            },
            status_of_residence: p.status.code().to_owned(),
            period_of_stay: p.period_of_stay.to_string(),
            expiry_date: p.expiry.to_string(),
            passport_number: p.passport_number.as_ref().map(ToString::to_string).unwrap_or_default(),
            passport_expiry: p.passport_expiry.map(|d| d.to_string()).unwrap_or_default(),
            email: p.email.as_ref().map(ToString::to_string).unwrap_or_default(),
            kanji_name_on_card: p.kanji_name_on_card,
        }
    }
}

impl Counter {
    /// Q80: the organization (read once) and a page of its List of Affiliated Foreign Nationals, by card
    /// number.
    #[tracing::instrument(skip_all)]
    pub async fn organization_people(
        &self,
        caller: &Caller,
        org_id: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<(Organization, Records<ForeignNational>), ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let people = self.core.store().organizations().people(org.id(), after, limit).await?;
        Ok((org.into_inner(), people))
    }

    /// Q80: one person on the organization's list.
    #[tracing::instrument(skip_all)]
    pub async fn organization_person(
        &self,
        caller: &Caller,
        org_id: &str,
        card: &str,
    ) -> Result<ForeignNational, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let card = ResidenceCardNumber::parse(card).map_err(|_| ServiceError::NotFound)?;
        self.core.store().organizations().person(org.id(), &card).await?.ok_or(ServiceError::NotFound)
    }

    /// Q80: adds or updates a person on the List of Affiliated Foreign Nationals.
    #[tracing::instrument(skip_all)]
    pub async fn put_foreign_national(
        &self,
        caller: &Caller,
        org_id: &str,
        input: &ForeignNationalInput,
    ) -> Result<ForeignNational, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let person = input.parse()?;
        let event = self.counter_event(caller, AuditAction::PutForeignNational, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.put_person(org.id(), &person)?;
        passport_due(&mut change, org.id(), &person);
        self.core.commit(change).await?;
        Ok(person)
    }

    /// Q80: the people of a list file the office keeps as a spreadsheet (see [`super::list_file`]), added
    /// or corrected on the organization's list; how many. Nothing is stored unless every row reads. The rows
    /// are written 40 to a transaction: were one to fail, the file sent again writes every row again (a
    /// person is put whole, so twice is once).
    #[tracing::instrument(skip_all)]
    pub async fn import_list_file(&self, caller: &Caller, org_id: &str, bytes: &[u8]) -> Result<usize, ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let people = list_file::parse(bytes).map_err(|e| match e {
            Ok(rows) => ServiceError::Invalid(rows),
            Err(file) => invalid("file", &file),
        })?;
        for chunk in people.chunks(40) {
            let event =
                self.counter_event(caller, AuditAction::PutForeignNational, format!("organization:{}", org.id()));
            let mut change = self.core.change(&event)?;
            for person in chunk {
                change.put_person(org.id(), person)?;
                passport_due(&mut change, org.id(), person);
            }
            self.core.commit(change).await?;
        }
        Ok(people.len())
    }

    /// Q80: removes a person from the list.
    #[tracing::instrument(skip_all)]
    pub async fn remove_foreign_national(&self, caller: &Caller, org_id: &str, card: &str) -> Result<(), ServiceError> {
        let org = self.counter_organization(caller, org_id).await?;
        let card = ResidenceCardNumber::parse(card).map_err(|_| ServiceError::NotFound)?;
        let event =
            self.counter_event(caller, AuditAction::RemoveForeignNational, format!("organization:{}", org.id()));
        let mut change = self.core.change(&event)?;
        change.remove_person(org.id(), &card);
        match self.core.commit(change).await {
            Err(ServiceError::Conflict) => Err(ServiceError::NotFound),
            other => other,
        }
    }
}
