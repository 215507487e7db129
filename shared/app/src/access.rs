//! Who reaches what of the table: each deployed function's role, and the partitions of the table it reads and
//! writes and of the indexes it queries (IAM's `dynamodb:LeadingKeys`, #34 item 5). Decided here once: the
//! template's policies are held to it (`tests/infra.rs`), and the tests run each function's code through a table
//! that refuses, as IAM would, whatever its role does not reach (`tests/support.rs`).
//!
//! A partition is named by its prefix: what its key has up to its first `#` (`APP#…`), or its whole key when it
//! has none (`NOTICE`).

/// A deployed function's role (the local server, one process for all, has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Login,
    Submit,
    Status,
    Office,
    Notify,
    BatchUpload,
    Reminders,
    Outbox,
}

/// What a role reaches, by partition prefix: the items it reads (`GetItem`, `BatchGetItem`, `Query`,
/// `ConditionCheckItem` in a transaction), the items it writes (`PutItem`, `UpdateItem`, `DeleteItem`, alone or
/// in a transaction), and the index partitions it queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub reads: &'static [&'static str],
    pub writes: &'static [&'static str],
    pub index_reads: &'static [&'static str],
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::Login,
        Self::Submit,
        Self::Status,
        Self::Office,
        Self::Notify,
        Self::BatchUpload,
        Self::Reminders,
        Self::Outbox,
    ];

    /// The function's name in the template (`{Name}Function`, `{Name}Role`, `{Name}TableAccessPolicy`).
    pub fn resource_name(self) -> &'static str {
        match self {
            Self::Login => "Login",
            Self::Submit => "Submit",
            Self::Status => "Status",
            Self::Office => "Office",
            Self::Notify => "Notify",
            Self::BatchUpload => "BatchUpload",
            Self::Reminders => "Reminders",
            Self::Outbox => "Outbox",
        }
    }

    pub fn reach(self) -> Reach {
        match self {
            // Log-in, sessions, passwords and their links, one's own user information, the notices.
            Self::Login => Reach {
                // FLOOD#: a log-in from an address reads that address's failures before it counts one.
                reads: &["FLOOD#", "LINK#", "NOTICE", "NOUSER#", "ORG#", "SESSION#", "USER#"],
                writes: &["AUDIT#", "DUE#", "EMAIL#", "FLOOD#", "LINK#", "NOUSER#", "OUTBOX#", "SESSION#", "USER#"],
                index_reads: &[],
            },
            // Entering, filing and correcting applications, their photos and documents; starting a blanket upload.
            Self::Submit => Reach {
                reads: &["APP#", "CARDAPP#", "NOTICE", "ORG#", "PASSAPP#", "SESSION#", "USER#"],
                writes: &[
                    "APP#",
                    "AUDIT#",
                    "CARDAPP#",
                    "DUE#",
                    "OPENAPP#",
                    "OPENUPLOAD#",
                    "ORG#",
                    "OUTBOX#",
                    "PASSAPP#",
                    "PENDING#",
                    "PHOTOGC#",
                    "RCPT#",
                    "SESSION#",
                ],
                // LISTEDPASS#: whether a passport of a certificate of eligibility is on a list (#35).
                index_reads: &["LISTEDPASS#", "ORG#"],
            },
            // The lists and an application as it stands; the blanket template and uploads.
            Self::Status => Reach {
                // CERT# and FLOOD#: the public verification page of electronic certificates (#35), whose
                // unknown codes count against the address.
                reads: &["APP#", "CERT#", "FLOOD#", "ORG#", "SESSION#", "UPLOAD#", "USER#"],
                writes: &["AUDIT#", "FLOOD#", "OPENUPLOAD#", "ORG#", "SESSION#"],
                index_reads: &["ORG#"],
            },
            // The officers' queue, examination, organizations and their users, the counter, the notices, the
            // electronic certificates the office withdraws.
            Self::Office => Reach {
                reads: &[
                    "APP#", "AUDIT#", "CARDAPP#", "CERT#", "CORPNO#", "EMAIL#", "NOTICE", "ORG#", "PENDING#", "RCPT#",
                    "SESSION#", "USER#",
                ],
                writes: &[
                    "APP#", "AUDIT#", "CARDAPP#", "CERT#", "CORPNO#", "DUE#", "EMAIL#", "LINK#", "NOTICE", "OPENAPP#",
                    "ORG#", "OUTBOX#", "PASSAPP#", "PENDING#", "PHOTOGC#", "RCPT#", "SESSION#", "USER#",
                ],
                index_reads: &["ORG#", "ORGS#", "QUEUE#", "RFU#"],
            },
            // Its sending marks (written on condition that none is there: no read), the audit records of refused
            // addresses, and the electronic certificates it seals before their e-mails with its key's
            // certificate (#35).
            Self::Notify => {
                Reach { reads: &["CERT#", "SEAL#"], writes: &["SENT#", "AUDIT#", "SEAL#"], index_reads: &[] }
            }
            // A stored spreadsheet's rows registered as applications; unfinished uploads swept.
            Self::BatchUpload => Reach {
                reads: &["APP#", "CARDAPP#", "OPENUPLOAD#", "ORG#", "PASSAPP#", "USER#"],
                // UPLOAD#: a row's errors (a file with an error row was refused here before: found by #35's test).
                writes: &[
                    "APP#",
                    "AUDIT#",
                    "CARDAPP#",
                    "OPENAPP#",
                    "OPENUPLOAD#",
                    "ORG#",
                    "OUTBOX#",
                    "PASSAPP#",
                    "PENDING#",
                    "UPLOAD#",
                ],
                // LISTEDPASS#: whether a passport of a row for a person on no list is on a list (#35).
                index_reads: &["LISTEDPASS#"],
            },
            // The daily jobs: official numbers, reminders, suspensions, the purge (of applications, and of users
            // with their e-mail lookups).
            Self::Reminders => Reach {
                reads: &["APP#", "COUNTER#", "DUE#", "JOBRUN#", "ORG#", "USER#"],
                writes: &[
                    "APP#", "AUDIT#", "CARDAPP#", "COUNTER#", "DUE#", "EMAIL#", "JOBRUN#", "OPENAPP#", "ORG#",
                    "OUTBOX#", "PASSAPP#", "PENDING#", "RCPT#", "USER#",
                ],
                index_reads: &["ORG#"],
            },
            // The outbox sweep (with the partition of earlier versions) and the photo objects to settle.
            Self::Outbox => Reach { reads: &["OUTBOX", "OUTBOX#", "PHOTOGC#"], writes: &["OUTBOX#"], index_reads: &[] },
        }
    }
}

/// The prefix by which a partition key is reached: up to and with its first `#`, or the whole key.
pub fn prefix_of(partition: &str) -> &str {
    match partition.find('#') {
        Some(at) => &partition[..=at],
        None => partition,
    }
}

impl Reach {
    pub fn may_read(&self, partition: &str) -> bool {
        self.reads.contains(&prefix_of(partition))
    }
    pub fn may_write(&self, partition: &str) -> bool {
        self.writes.contains(&prefix_of(partition))
    }
    pub fn may_query_index(&self, partition: &str) -> bool {
        self.index_reads.contains(&prefix_of(partition))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_is_reached_by_its_prefix() {
        assert_eq!(prefix_of("APP#01JD"), "APP#");
        assert_eq!(prefix_of("ORG#org1#3"), "ORG#");
        assert_eq!(prefix_of("NOTICE"), "NOTICE");
        let notify = Role::Notify.reach();
        assert!(notify.may_write("SENT#abc") && notify.may_write("AUDIT#x") && !notify.may_read("SENT#abc"));
        assert!(!notify.may_write("APP#x") && !notify.may_query_index("SENT#abc"));
    }

    #[test]
    fn every_role_has_a_name_of_its_own() {
        let names: std::collections::BTreeSet<_> = Role::ALL.iter().map(|r| r.resource_name()).collect();
        assert_eq!(names.len(), Role::ALL.len());
    }
}
