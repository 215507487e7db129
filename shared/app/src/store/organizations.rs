//! Organizations of affiliation, their List of Affiliated Foreign Nationals (Q80) and their requests for use
//! (Q3, Q10, Q16–Q20; the office's pending ones by an index).

use chrono::{DateTime, Utc};
use zairyu_domain::application::OrganizationId;
use zairyu_domain::form::PersonKey;
use zairyu_domain::office::Office;
use zairyu_domain::organization::{ForeignNational, Organization, name_search_key};
use zairyu_domain::request_for_use::{RequestForUse, RequestState};
use zairyu_domain::values::{CorporateNumber, ResidenceCardNumber};

use super::{Record, Records, Store, Stored, UnitOfWork, decode, encode, s};
use crate::ports::{Attr, Condition, Cursor, Index, Key, Query, SortKey, StoreError, Table, Write, attr};

pub struct Organizations<'a>(pub(super) &'a dyn Table);

fn key(id: &OrganizationId) -> Key {
    Key::new(format!("ORG#{id}"), "ORG")
}

fn corporate_number_key(number: &CorporateNumber) -> Key {
    Key::new(format!("CORPNO#{number}"), "CORPNO")
}

/// The people of every list with one passport (a person is on the lists of each organization they belong
/// to): what a certificate of eligibility for a person abroad is checked against.
fn listed_passport_partition(person: &PersonKey) -> Option<String> {
    match person {
        PersonKey::Passport { nationality, number } => Some(format!("LISTEDPASS#{nationality}#{number}")),
        PersonKey::Card(_) => None,
    }
}

fn person_index(org: &OrganizationId, person: &ForeignNational) -> Vec<(&'static str, Attr)> {
    let Some(number) = &person.passport_number else { return Vec::new() };
    let Some(partition) = listed_passport_partition(&PersonKey::passport(person.nationality.as_str(), number)) else {
        return Vec::new();
    };
    vec![(attr::GSI1_PK, s(partition)), (attr::GSI1_SK, s(format!("FN#{org}#{}", person.card_number)))]
}

fn person_key(org: &OrganizationId, card: &ResidenceCardNumber) -> Key {
    Key::new(format!("ORG#{org}"), format!("FN#{card}"))
}

fn request_key(org: &OrganizationId, id: &str) -> Key {
    Key::new(format!("ORG#{org}"), format!("RFU#{id}"))
}

/// The index partition of an office's organizations, sorted by the key their names are found by.
fn office_partition(office: Office) -> String {
    format!("ORGS#{}", office.code())
}

fn requests_partition(office: Office, state: RequestState) -> String {
    format!("RFU#{}#{}", office.code(), state.code())
}

impl Record for Organization {
    fn key(&self) -> Key {
        key(self.id())
    }
    /// Listed under its office by the key of its name (a rename or a move re-sorts it with the save).
    fn index(&self, _: DateTime<Utc>) -> Vec<(&'static str, Attr)> {
        let p = self.profile();
        vec![
            (attr::GSI1_PK, s(office_partition(p.office))),
            (attr::GSI1_SK, s(format!("{}#{}", name_search_key(p.name.as_str()), self.id()))),
        ]
    }
    /// One organization per corporate number: an organization with several offices is one organization
    /// (Q72).
    fn claims(&self) -> Vec<Key> {
        self.profile().corporate_number.iter().map(corporate_number_key).collect()
    }
}

impl Organizations<'_> {
    pub async fn get(&self, id: &OrganizationId) -> Result<Option<Stored<Organization>>, StoreError> {
        Store::get_stored(self.0, &key(id)).await
    }

    /// An office's organizations whose names begin as `name` does (every one for an empty text), in the
    /// order of their names' keys ([`name_search_key`]).
    pub async fn of_office(
        &self,
        office: Office,
        name: &str,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<Organization>, StoreError> {
        let mut q = Query::partition(Index::Gsi1, office_partition(office)).limit(limit).after(after);
        // No condition for no name (a key attribute's value is never empty in DynamoDB).
        let prefix = name_search_key(name);
        if !prefix.is_empty() {
            q = q.sort(SortKey::Prefix(prefix));
        }
        super::decode_page(self.0.query(&q).await?)
    }

    /// The names of these organizations, in one batched read (an ID nobody has is left out).
    pub async fn names(
        &self,
        ids: &[OrganizationId],
    ) -> Result<std::collections::HashMap<OrganizationId, String>, StoreError> {
        super::names_of(self.0, ids, key, |o: &Organization| (o.id().clone(), o.profile().name.to_string())).await
    }

    /// Whether an organization with this corporate number is registered.
    pub async fn corporate_number_registered(&self, number: &CorporateNumber) -> Result<bool, StoreError> {
        Ok(self.0.get(&corporate_number_key(number)).await?.is_some())
    }

    /// The organization registered with this corporate number, read through its claim (which names it).
    pub async fn by_corporate_number(&self, number: &CorporateNumber) -> Result<Option<OrganizationId>, StoreError> {
        let Some(item) = self.0.get(&corporate_number_key(number)).await? else { return Ok(None) };
        let owner: String = decode(&item)?;
        let id = owner
            .strip_prefix("ORG#")
            .and_then(|rest| rest.strip_suffix("|ORG"))
            .ok_or_else(|| StoreError::corrupt("a corporate number claimed by no organization"))?;
        OrganizationId::parse(id).map(Some).map_err(StoreError::corrupt)
    }

    /// One person on the organization's list.
    pub async fn person(
        &self,
        org: &OrganizationId,
        card: &ResidenceCardNumber,
    ) -> Result<Option<ForeignNational>, StoreError> {
        self.0.get(&person_key(org, card)).await?.as_ref().map(decode).transpose()
    }

    /// The list entry an application for `person` is checked against: a card holder's on the organization's
    /// own list; a passport's on any organization's list (a person abroad is on none: one found is in
    /// Japan). A list entry with no passport number is not found by one.
    pub async fn listed(
        &self,
        org: &OrganizationId,
        person: &PersonKey,
    ) -> Result<Option<ForeignNational>, StoreError> {
        let partition = match (person, listed_passport_partition(person)) {
            (PersonKey::Card(card), _) => return self.person(org, card).await,
            (PersonKey::Passport { .. }, Some(partition)) => partition,
            (PersonKey::Passport { .. }, None) => return Ok(None),
        };
        let q = Query::partition(Index::Gsi1, partition).limit(1);
        let page = super::decode_page::<ForeignNational>(self.0.query(&q).await?)?;
        Ok(page.items.into_iter().next())
    }

    /// Many people of the organization's list at once (a blanket file's rows), in the order asked.
    pub async fn people_by_card(
        &self,
        org: &OrganizationId,
        cards: &[ResidenceCardNumber],
    ) -> Result<Vec<Option<ForeignNational>>, StoreError> {
        let keys: Vec<Key> = cards.iter().map(|c| person_key(org, c)).collect();
        self.0.get_many(&keys).await?.iter().map(|i| i.as_ref().map(decode).transpose()).collect()
    }

    /// The organization's List of Affiliated Foreign Nationals, by card number.
    pub async fn people(
        &self,
        org: &OrganizationId,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<ForeignNational>, StoreError> {
        let q = Query::partition(Index::Primary, format!("ORG#{org}"))
            .sort(SortKey::Prefix("FN#".into()))
            .limit(limit)
            .after(after);
        super::decode_page(self.0.query(&q).await?)
    }

    pub async fn request_for_use(
        &self,
        org: &OrganizationId,
        id: &str,
    ) -> Result<Option<Stored<RequestForUse>>, StoreError> {
        Store::get_stored(self.0, &request_key(org, id)).await
    }

    /// An organization's requests for use (at most `limit`), in the order of their IDs.
    pub async fn requests_of_organization(
        &self,
        org: &OrganizationId,
        limit: u32,
    ) -> Result<Vec<RequestForUse>, StoreError> {
        let q =
            Query::partition(Index::Primary, format!("ORG#{org}")).sort(SortKey::Prefix("RFU#".into())).limit(limit);
        Ok(super::decode_page(self.0.query(&q).await?)?.items)
    }

    /// An office's requests for use in one state, newest first.
    pub async fn requests_of_office(
        &self,
        office: Office,
        state: RequestState,
        after: Option<Cursor>,
        limit: u32,
    ) -> Result<Records<RequestForUse>, StoreError> {
        let q = Query::partition(Index::Gsi2, requests_partition(office, state)).descending().limit(limit).after(after);
        super::decode_page(self.0.query(&q).await?)
    }
}

impl UnitOfWork {
    /// Adds or replaces a person on the organization's list (Q80).
    pub fn put_person(&mut self, org: &OrganizationId, person: &ForeignNational) -> Result<(), StoreError> {
        let item = encode(person_key(org, &person.card_number), person, 1, person_index(org, person))?;
        self.push(Write::Put { item, condition: Condition::None });
        Ok(())
    }

    /// Removes a person from the list; the change fails if the person is not on it.
    pub fn remove_person(&mut self, org: &OrganizationId, card: &ResidenceCardNumber) {
        self.push(Write::Delete { key: person_key(org, card), condition: Condition::Exists });
    }

    fn request_index(req: &RequestForUse, office: Office) -> Vec<(&'static str, Attr)> {
        vec![
            (attr::GSI2_PK, s(requests_partition(office, req.state()))),
            (attr::GSI2_SK, s(format!("{}#{}", super::sort_time(req.recorded_at()), req.id()))),
        ]
    }

    /// A new request for use, indexed for its organization's office.
    pub fn add_request_for_use(&mut self, req: &RequestForUse, office: Office) -> Result<(), StoreError> {
        self.put_record(request_key(req.organization_id(), req.id()), req, 0, Self::request_index(req, office))
    }

    pub fn save_request_for_use(&mut self, req: &Stored<RequestForUse>, office: Office) -> Result<(), StoreError> {
        self.put_record(
            request_key(req.organization_id(), req.id()),
            &**req,
            req.version,
            Self::request_index(req, office),
        )
    }
}
