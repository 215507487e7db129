//! Which Lambda function serves which routes and pages.

/// The Lambda function that serves a route in AWS (the local server serves them all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Login,
    Submit,
    Status,
    Office,
}

impl Function {
    pub const ALL: [Function; 4] = [Self::Login, Self::Submit, Self::Status, Self::Office];

    /// The crate under `functions/`.
    pub fn crate_dir(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Submit => "submit",
            Self::Status => "status",
            Self::Office => "office",
        }
    }

    /// The role its code runs with in AWS.
    pub fn role(self) -> zairyu_app::access::Role {
        use zairyu_app::access::Role;
        match self {
            Self::Login => Role::Login,
            Self::Submit => Role::Submit,
            Self::Status => Role::Status,
            Self::Office => Role::Office,
        }
    }
}
