//! The account set a Kingdee config acts for, as a store names it. Kingdee's
//! ledgers, tokens, lanes and idempotency keys are per account set, not per
//! developer app: one ISV app's clientId serves many merchants.

use super::Config;

impl Config {
    /// `<clientId>:<outerInstanceId or appKey>` (non-secret ids). A `:` or `%`
    /// in an id is percent-encoded, so two different pairs never give one name
    /// (ids without them, every id Kingdee issues, are written as they are).
    pub fn account_set(&self) -> String {
        let set = self
            .outer_instance_id
            .as_deref()
            .or(self.app_key.as_deref())
            .unwrap_or_default();
        format!("{}:{}", escape_id(&self.client_id), escape_id(set))
    }

    /// The namespace of this account set's idempotency keys in a store:
    /// `kingdee-set:<account set>`. Versions before 0.4 used `kingdee:<clientId>`
    /// ([`Config::legacy_key_scope`]); the new prefix never produces one of those names.
    pub fn key_namespace(&self) -> String {
        format!("kingdee-set:{}", self.account_set())
    }

    /// Where an earlier version kept this app's keys: `kingdee:<clientId>`,
    /// shared by every account set of the app. A key found there is refused
    /// by the client, never guessed: the entry may be this account set's change
    /// or another's, and nothing in it says which.
    pub fn legacy_key_scope(&self) -> String {
        format!("kingdee:{}", self.client_id)
    }
}

fn escape_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        match c {
            '%' => out.push_str("%25"),
            ':' => out.push_str("%3A"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn config(client_id: &str, app_key: Option<&str>, outer: Option<&str>) -> Config {
        Config {
            client_id: client_id.into(),
            app_key: app_key.map(Into::into),
            outer_instance_id: outer.map(Into::into),
            ..Config::default()
        }
    }

    #[test]
    fn account_sets_name_apart_whatever_their_ids_hold() {
        // Plain ids are written as they are (the lane names of earlier versions stay).
        assert_eq!(config("215", Some("ak1"), None).account_set(), "215:ak1");
        assert_eq!(
            config("215", Some("ak1"), Some("2039")).account_set(),
            "215:2039"
        );
        // Pairs that a plain `:` join would merge stay apart, and so do their key namespaces.
        let ids = ["a", "a:b", "b", "b:c", "c", "%3A", ":", "%", ""];
        let mut seen = std::collections::HashMap::new();
        for client in ids {
            for set in ids {
                let c = config(client, Some(set), None);
                let name = c.key_namespace();
                assert!(name.starts_with("kingdee-set:"));
                if let Some(other) = seen.insert(name.clone(), (client, set)) {
                    panic!("{other:?} and {:?} share {name}", (client, set));
                }
                // Never a name an earlier version wrote (`jifen:kingdee:<clientId>:<key>`).
                assert!(!format!("jifen:{name}:k").starts_with("jifen:kingdee:"));
                assert_eq!(c.legacy_key_scope(), format!("kingdee:{client}"));
            }
        }
    }
}
