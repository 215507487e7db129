//! Wires the SES mailer and the store from the environment to the SQS handler.

use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use zairyu_domain::values::EmailAddress;
use zairyu_notify::Notifier;

#[tokio::main]
async fn main() -> Result<(), Error> {
    zairyu_runtime::init_tracing();
    let ports = zairyu_aws::AwsPorts::from_env()?;
    let core = ports.core()?;
    let sender = EmailAddress::parse(&std::env::var("ZAIRYU_SENDER")?)?;
    let ses = zairyu_aws::SesMailer::new(aws_sdk_sesv2::Client::new(ports.sdk_config()), sender.domain());
    // The account's SES rate, shared by the batches the poller runs at once (the template's NotifyConcurrency).
    let rate: f64 = std::env::var("ZAIRYU_MAIL_RATE")?.parse()?;
    let instances: u32 = std::env::var("ZAIRYU_MAIL_CONCURRENCY")?.parse()?;
    let mailer = zairyu_runtime::pace::Paced::new(Arc::new(ses), rate, instances);
    // The key that signs electronic certificates (a KMS asymmetric key only this function may use): each is
    // sealed into the photos' bucket before the e-mail that links to it is sent.
    let seal =
        zairyu_aws::KmsSeal::new(aws_sdk_kms::Client::new(ports.sdk_config()), std::env::var("ZAIRYU_SEAL_KEY_ID")?);
    let sealing = zairyu_app::services::certificates::Sealing::new(
        core.clone(),
        Arc::new(seal),
        std::env::var("ZAIRYU_PUBLIC_URL")?,
    );
    let notifier = Arc::new(Notifier {
        notifications: zairyu_app::Notifications::new(
            core,
            Arc::new(mailer),
            sender,
            std::env::var("ZAIRYU_HELP_DESK")?,
        )
        .with_sealing(sealing, ports.photos()?),
    });
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let notifier = Arc::clone(&notifier);
        async move { Ok::<_, Error>(notifier.handle(event.payload).await) }
    }))
    .await
}
