//! `Table` on one DynamoDB table: conditions as ConditionExpressions, transactions as TransactWriteItems,
//! counters as atomic `ADD` updates, strongly consistent reads.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, Put, ReturnValue, ScalarAttributeType, TimeToLiveSpecification,
    TransactWriteItem,
};
use zairyu_app::ports::{
    Attr, Condition, Cursor, Index, Item, Key, Page, Query, SortKey, StoreError, Table, Write, attr,
};

#[derive(Clone, Debug)]
pub struct DynamoTable {
    client: Client,
    table: String,
}

type AvMap = HashMap<String, AttributeValue>;

fn to_av(a: &Attr) -> AttributeValue {
    match a {
        Attr::S(s) => AttributeValue::S(s.clone()),
        Attr::N(n) => AttributeValue::N(n.to_string()),
        Attr::B(b) => AttributeValue::B(Blob::new(b.clone())),
        Attr::Bool(b) => AttributeValue::Bool(*b),
    }
}

fn from_av(name: &str, v: &AttributeValue) -> Result<Attr, StoreError> {
    match v {
        AttributeValue::S(s) => Ok(Attr::S(s.clone())),
        AttributeValue::N(n) => {
            n.parse().map(Attr::N).map_err(|_| StoreError::corrupt(format!("{name}: {n} is not whole")))
        }
        AttributeValue::B(b) => Ok(Attr::B(b.as_ref().to_vec())),
        AttributeValue::Bool(b) => Ok(Attr::Bool(*b)),
        other => Err(StoreError::corrupt(format!("{name}: unsupported attribute type {other:?}"))),
    }
}

fn to_map(item: &Item) -> AvMap {
    item.iter().map(|(k, v)| (k.clone(), to_av(v))).collect()
}

fn from_map(map: &AvMap) -> Result<Item, StoreError> {
    map.iter().map(|(k, v)| Ok((k.clone(), from_av(k, v)?))).collect()
}

fn key_map(key: &Key) -> AvMap {
    AvMap::from([
        (attr::PK.to_owned(), AttributeValue::S(key.pk.clone())),
        (attr::SK.to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

/// A condition as (expression, names, values); `None` for an unconditional write.
type Expr = (String, HashMap<String, String>, AvMap);

fn condition_expr(condition: Condition) -> Option<Expr> {
    let pk = HashMap::from([("#pk".to_owned(), attr::PK.to_owned())]);
    match condition {
        Condition::None => None,
        Condition::Absent => Some(("attribute_not_exists(#pk)".into(), pk, AvMap::new())),
        Condition::Exists => Some(("attribute_exists(#pk)".into(), pk, AvMap::new())),
        Condition::Version(v) => Some((
            "#ver = :ver".into(),
            HashMap::from([("#ver".to_owned(), attr::VERSION.to_owned())]),
            AvMap::from([(":ver".to_owned(), AttributeValue::N(v.to_string()))]),
        )),
    }
}

/// A condition as the three optional parts every DynamoDB write builder takes.
fn condition_parts(condition: Condition) -> (Option<String>, Option<HashMap<String, String>>, Option<AvMap>) {
    match condition_expr(condition) {
        None => (None, None, None),
        Some((e, n, v)) => (Some(e), Some(n), if v.is_empty() { None } else { Some(v) }),
    }
}

fn unavailable<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: &SdkError<E, R>) -> StoreError {
    match e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            let code = err.code().unwrap_or("Unknown");
            if code == "ValidationException" {
                StoreError::Invalid(err.message().unwrap_or(code).to_owned())
            } else {
                StoreError::unavailable(format!("{code}: {}", err.message().unwrap_or_default()))
            }
        }
        other => StoreError::unavailable(format!("{other:?}")),
    }
}

/// Maps a failed write: a failed condition is `ConditionFailed`, anything else is passed through.
fn write_error<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: SdkError<E, R>) -> StoreError {
    if let SdkError::ServiceError(s) = &e
        && s.err().code() == Some("ConditionalCheckFailedException")
    {
        return StoreError::ConditionFailed;
    }
    unavailable(&e)
}

fn built<T>(r: Result<T, aws_sdk_dynamodb::error::BuildError>) -> Result<T, StoreError> {
    r.map_err(|e| StoreError::Invalid(e.to_string()))
}

impl DynamoTable {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// Creates the table with the same keys, indexes and TTL as `infra/template.yaml`, for emulators and
    /// tests (in AWS the template creates it).
    pub async fn create(client: &Client, table: &str) -> Result<(), StoreError> {
        let s = |name: &str| {
            AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build()
        };
        let key = |name: &str, kind| KeySchemaElement::builder().attribute_name(name).key_type(kind).build();
        let gsi = |name: &str, pk: &str, sk: &str| -> Result<GlobalSecondaryIndex, StoreError> {
            built(
                GlobalSecondaryIndex::builder()
                    .index_name(name)
                    .key_schema(built(key(pk, KeyType::Hash))?)
                    .key_schema(built(key(sk, KeyType::Range))?)
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::Include)
                            .set_non_key_attributes(Some(
                                zairyu_app::store::INDEX_PROJECTION.iter().map(|a| (*a).to_owned()).collect(),
                            ))
                            .build(),
                    )
                    .build(),
            )
        };
        let mut req = self::Client::create_table(client)
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(built(key(attr::PK, KeyType::Hash))?)
            .key_schema(built(key(attr::SK, KeyType::Range))?)
            .global_secondary_indexes(gsi("gsi1", attr::GSI1_PK, attr::GSI1_SK)?)
            .global_secondary_indexes(gsi("gsi2", attr::GSI2_PK, attr::GSI2_SK)?);
        for name in [attr::PK, attr::SK, attr::GSI1_PK, attr::GSI1_SK, attr::GSI2_PK, attr::GSI2_SK] {
            req = req.attribute_definitions(built(s(name))?);
        }
        req.send().await.map_err(|e| unavailable(&e))?;
        client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(built(
                TimeToLiveSpecification::builder().attribute_name(attr::TTL).enabled(true).build(),
            )?)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    fn transact_item(&self, w: &Write) -> Result<TransactWriteItem, StoreError> {
        let b = TransactWriteItem::builder();
        Ok(match w {
            Write::Put { item, condition } => {
                let mut p = Put::builder().table_name(&self.table).set_item(Some(to_map(item)));
                let (e, n, vals) = condition_parts(*condition);
                p = p
                    .set_condition_expression(e)
                    .set_expression_attribute_names(n)
                    .set_expression_attribute_values(vals);
                b.put(built(p.build())?).build()
            }
            Write::Delete { key, condition } => {
                let mut d = Delete::builder().table_name(&self.table).set_key(Some(key_map(key)));
                let (e, n, vals) = condition_parts(*condition);
                d = d
                    .set_condition_expression(e)
                    .set_expression_attribute_names(n)
                    .set_expression_attribute_values(vals);
                b.delete(built(d.build())?).build()
            }
            Write::Check { key, condition } => {
                // DynamoDB needs an expression on a check; `None` checks nothing but the key's presence in the
                // transaction, so it is expressed as a tautology.
                let (e, n, v) = condition_expr(*condition).unwrap_or_else(|| {
                    (
                        "attribute_not_exists(#pk) OR attribute_exists(#pk)".into(),
                        HashMap::from([("#pk".to_owned(), attr::PK.to_owned())]),
                        AvMap::new(),
                    )
                });
                let mut c = ConditionCheck::builder()
                    .table_name(&self.table)
                    .set_key(Some(key_map(key)))
                    .condition_expression(e)
                    .set_expression_attribute_names(Some(n));
                if !v.is_empty() {
                    c = c.set_expression_attribute_values(Some(v));
                }
                b.condition_check(built(c.build())?).build()
            }
        })
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        out.item().map(from_map).transpose()
    }

    /// BatchGetItem, 100 distinct keys a request, strongly consistent; keys DynamoDB leaves unprocessed
    /// (throttling) are asked again, a few times, before the call fails as unavailable.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        let mut found: HashMap<(String, String), Item> = HashMap::new();
        // DynamoDB refuses a request that names a key twice: each is asked once.
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<&Key> = keys.iter().filter(|k| seen.insert((k.pk.as_str(), k.sk.as_str()))).collect();
        for chunk in unique.chunks(100) {
            let mut ask: Vec<AvMap> = chunk.iter().map(|k| key_map(k)).collect();
            for attempt in 0..5 {
                if ask.is_empty() {
                    break;
                }
                if attempt > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
                }
                let wanted = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut ask)))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, wanted)
                    .send()
                    .await
                    .map_err(|e| unavailable(&e))?;
                for map in out.responses().and_then(|r| r.get(&self.table)).into_iter().flatten() {
                    let item = from_map(map)?;
                    if let Some(k) = Key::of(&item) {
                        found.insert((k.pk, k.sk), item);
                    }
                }
                ask = out
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .map(|k| k.keys().to_vec())
                    .unwrap_or_default();
            }
            if !ask.is_empty() {
                return Err(StoreError::Unavailable("DynamoDB left keys unprocessed after 5 attempts".into()));
            }
        }
        Ok(keys.iter().map(|k| found.get(&(k.pk.clone(), k.sk.clone())).cloned()).collect())
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        Key::of(&item).ok_or_else(|| StoreError::Invalid("an item needs string pk and sk".into()))?;
        let mut req = self.client.put_item().table_name(&self.table).set_item(Some(to_map(&item)));
        let (e, n, vals) = condition_parts(condition);
        req = req.set_condition_expression(e).set_expression_attribute_names(n).set_expression_attribute_values(vals);
        req.send().await.map_err(write_error)?;
        Ok(())
    }

    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        let mut req = self.client.delete_item().table_name(&self.table).set_key(Some(key_map(key)));
        let (e, n, vals) = condition_parts(condition);
        req = req.set_condition_expression(e).set_expression_attribute_names(n).set_expression_attribute_values(vals);
        req.send().await.map_err(write_error)?;
        Ok(())
    }

    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        let (pk, sk) = q.index.key_attributes();
        let mut names = HashMap::from([("#p".to_owned(), pk.to_owned())]);
        let mut values = AvMap::from([(":p".to_owned(), AttributeValue::S(q.partition.clone()))]);
        let mut expr = "#p = :p".to_owned();
        match &q.sort {
            SortKey::Any => {}
            SortKey::Prefix(prefix) => {
                names.insert("#s".into(), sk.into());
                values.insert(":s".into(), AttributeValue::S(prefix.clone()));
                expr.push_str(" AND begins_with(#s, :s)");
            }
            SortKey::Between(a, b) => {
                names.insert("#s".into(), sk.into());
                values.insert(":a".into(), AttributeValue::S(a.clone()));
                values.insert(":b".into(), AttributeValue::S(b.clone()));
                expr.push_str(" AND #s BETWEEN :a AND :b");
            }
        }
        let projection = q.attributes.map(|attributes| {
            let mut expr = Vec::with_capacity(attributes.len());
            for (i, a) in attributes.iter().enumerate() {
                names.insert(format!("#a{i}"), (*a).to_owned());
                expr.push(format!("#a{i}"));
            }
            expr.join(", ")
        });
        let start = match &q.after {
            None => None,
            Some(Cursor(c)) => {
                let item: Item = serde_json::from_str(c).map_err(|_| StoreError::BadCursor)?;
                Some(to_map(&item))
            }
        };
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(q.index.name().map(str::to_owned))
            .key_condition_expression(expr)
            .set_projection_expression(projection)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .scan_index_forward(!q.descending)
            .limit(i32::try_from(q.limit).unwrap_or(1000))
            .set_exclusive_start_key(start)
            .consistent_read(q.index == Index::Primary)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        let items = out.items().iter().map(from_map).collect::<Result<Vec<_>, _>>()?;
        let next = match out.last_evaluated_key() {
            Some(k) if !k.is_empty() => {
                let item = from_map(k)?;
                Some(Cursor(serde_json::to_string(&item).map_err(|e| StoreError::corrupt(e.to_string()))?))
            }
            _ => None,
        };
        Ok(Page { items, next })
    }

    async fn increment(&self, key: &Key, attribute: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError> {
        if [attr::PK, attr::SK, attr::TTL].contains(&attribute) {
            return Err(StoreError::Invalid("the key or the expiry cannot be incremented".into()));
        }
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .expression_attribute_names("#a", attribute)
            .expression_attribute_values(":by", AttributeValue::N(by.to_string()))
            .return_values(ReturnValue::UpdatedNew);
        update = match expires_at {
            Some(at) => update
                .update_expression("ADD #a :by SET #t = if_not_exists(#t, :t)")
                .expression_attribute_names("#t", attr::TTL)
                .expression_attribute_values(":t", AttributeValue::N(at.to_string())),
            None => update.update_expression("ADD #a :by"),
        };
        let out = update.send().await.map_err(|e| unavailable(&e))?;
        let value = out
            .attributes()
            .and_then(|a| a.get(attribute))
            .ok_or_else(|| StoreError::corrupt("no counter value returned"))?;
        from_av(attribute, value)?.as_n().ok_or_else(|| StoreError::corrupt(format!("{attribute} is not a number")))
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        zairyu_app::ports::check_transaction(&writes)?;
        let items = writes.iter().map(|w| self.transact_item(w)).collect::<Result<Vec<_>, _>>()?;
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(e) => {
                if let SdkError::ServiceError(s) = &e
                    && let aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) =
                        s.err()
                {
                    let codes: Vec<&str> = c.cancellation_reasons().iter().filter_map(|r| r.code()).collect();
                    if codes.contains(&"ConditionalCheckFailed") {
                        return Err(StoreError::ConditionFailed);
                    }
                    if codes.contains(&"TransactionConflict") {
                        return Err(StoreError::Conflict);
                    }
                }
                if let SdkError::ServiceError(s) = &e
                    && s.err().code() == Some("TransactionConflictException")
                {
                    return Err(StoreError::Conflict);
                }
                Err(unavailable(&e))
            }
        }
    }
}
