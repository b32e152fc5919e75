//! Vendor results as data: each result is a static [`Schema`] (its fields, the
//! key each is read from, how, and whether it is required), and [`read`] is the
//! one interpreter that turns a reply into the result JSON every vendor returns.
//!
//! Reading is lenient where vendors are (an integer may arrive as `20` or
//! `"20"`; jifen returns `20`) and strict where a result would be wrong
//! (a required field missing, a count that is not an integer, a row that is
//! not an object): those are `parse` errors whose text comes from the vendor's
//! [`Dialect`], so each vendor keeps its own messages.
//!
//! Message templates: `$` stands for the field's key and `@` for the context
//! the caller passes (Freemud `Freemud /member/getMembers reply: `, Kingdee
//! `integral_record `, Qimai `getCustomerPoints`).

use crate::core::error::{Error, Result};
use crate::core::json::Json;

/// How one vendor words its result errors and normalises free-form results.
#[derive(Debug)]
pub struct Dialect {
    /// The vendor every error names.
    pub vendor: &'static str,
    /// Whether `""` reads as an absent integer (else it is malformed).
    pub blank_is_absent: bool,
    /// An integer field holds something else.
    pub not_int: &'static str,
    /// A required field is absent.
    pub missing: &'static str,
    /// A list field is not an array.
    pub not_array: &'static str,
    /// A row of a list is not an object.
    pub not_row: &'static str,
    /// A field that must be an object is not.
    pub not_object: &'static str,
    /// Keys whose values [`normalise`] turns into integers, at any depth.
    pub int_keys: &'static [&'static str],
    /// Keys whose numeric values [`normalise`] turns into strings (ids).
    pub id_keys: &'static [&'static str],
}

/// A result: which fields, in output order.
#[derive(Debug)]
pub struct Schema {
    /// The message when the value is not an object; `None`: any value is read
    /// (fields of a non-object are absent).
    pub object: Option<&'static str>,
    /// Indices of fields read before the others, so their errors win (the
    /// output order stays that of `fields`).
    pub first: &'static [u8],
    /// The fields.
    pub fields: &'static [Field],
}

/// One field: its key (in the reply and in the result) and how it is read.
#[derive(Debug)]
pub struct Field(pub &'static str, pub Kind);

/// How a field is read. Absent means missing or `null`.
#[derive(Debug)]
pub enum Kind {
    /// Text (numbers and booleans as their text); `""` when absent or not text.
    Text,
    /// Text; omitted when absent or not text.
    OptText,
    /// Integer; 0 when absent.
    Int,
    /// Integer; omitted when absent.
    OptInt,
    /// Integer; the dialect's `missing` error when absent.
    ReqInt,
    /// Integer, 0 when absent; when 0, the named field's integer instead
    /// (0 when that is absent or malformed).
    IntOr(&'static &'static str),
    /// An array as sent; `[]` when absent.
    List,
    /// An array as sent; omitted when absent.
    OptList,
    /// An array as sent, from this key or else the named one; `[]` when both are absent.
    ListOr(&'static &'static str),
    /// An array of objects, each read by the schema; `[]` when absent.
    Rows(&'static Schema),
    /// An array whose items, objects or not, are each read by the schema; `[]` when absent.
    Each(&'static Schema),
    /// The value (absent or not) read by the schema.
    Nested(&'static Schema),
    /// A required object read by the schema; the dialect's `missing` error otherwise.
    Object(&'static Schema),
    /// Computed from the whole object; omitted when `None`.
    Derived(fn(&Json) -> Option<Json>),
    /// Every pair no other field of the schema outputs, in the reply's order,
    /// normalised as in [`normalise`] of the whole object.
    Rest,
    /// Like [`Kind::Rest`], but only the values are normalised: a pair's own
    /// key is not looked up in the dialect's integer and id keys.
    RestValues,
    /// No output: when present, must be an array of objects.
    MustRows,
    /// No output: when present, must be an object.
    MustObject,
    /// No output: must be present as non-empty text (the dialect's `missing` error).
    MustText,
}

impl Kind {
    fn outputs(&self) -> bool {
        !matches!(
            self,
            Kind::Rest | Kind::RestValues | Kind::MustRows | Kind::MustObject | Kind::MustText
        )
    }
}

/// Reads `value` by `schema` into the result JSON.
pub fn read(schema: &Schema, dialect: &Dialect, ctx: &str, value: &Json) -> Result<Json> {
    Reader { d: dialect, ctx }.schema(schema, value)
}

/// `value` with the dialect's integer keys as numbers and its id keys as
/// strings, at any depth. An integer key holding anything but an integer,
/// `null` or `""` is an error.
pub fn normalise(dialect: &Dialect, value: &Json) -> Result<Json> {
    Reader {
        d: dialect,
        ctx: "",
    }
    .normalise(value)
}

/// The `parse` error of a template (`$` → `key`, `@` → `ctx`), with the vendor.
pub fn fail(dialect: &Dialect, template: &str, ctx: &str, key: &str) -> Error {
    let mut m = String::new();
    for c in template.chars() {
        match c {
            '$' => m.push_str(key),
            '@' => m.push_str(ctx),
            c => m.push(c),
        }
    }
    Error::parse(m).with_vendor(dialect.vendor)
}

struct Reader<'a> {
    d: &'a Dialect,
    ctx: &'a str,
}

impl Reader<'_> {
    fn fail(&self, template: &str, key: &str) -> Error {
        fail(self.d, template, self.ctx, key)
    }

    fn schema(&self, s: &Schema, v: &Json) -> Result<Json> {
        if let Some(t) = s.object {
            if v.as_object().is_none() {
                return Err(self.fail(t, ""));
            }
        }
        let mut early = Vec::new();
        for i in s.first {
            if let Some(f) = s.fields.get(usize::from(*i)) {
                let mut o = Vec::new();
                self.field(s, f, v, &mut o)?;
                early.push((usize::from(*i), o));
            }
        }
        let mut out = Vec::new();
        for (i, f) in s.fields.iter().enumerate() {
            match early.iter_mut().find(|(j, _)| *j == i) {
                Some((_, o)) => out.append(o),
                None => self.field(s, f, v, &mut out)?,
            }
        }
        Ok(Json::Object(out))
    }

    fn int(&self, v: &Json, key: &str) -> Result<Option<i64>> {
        match v.get_present(key) {
            None => Ok(None),
            Some(Json::String(s)) if s.is_empty() && self.d.blank_is_absent => Ok(None),
            Some(x) => x
                .as_i64_lenient()
                .map(Some)
                .ok_or_else(|| self.fail(self.d.not_int, key)),
        }
    }

    fn list<'v>(&self, v: &'v Json, key: &str) -> Result<&'v [Json]> {
        match v.get_present(key) {
            None => Ok(&[]),
            Some(x) => x.as_array().ok_or_else(|| self.fail(self.d.not_array, key)),
        }
    }

    fn field(&self, s: &Schema, f: &Field, v: &Json, out: &mut Vec<(String, Json)>) -> Result<()> {
        let Field(key, kind) = f;
        let key = *key;
        let value = match kind {
            Kind::Text => Some(Json::String(v.text_at(key).unwrap_or_default())),
            Kind::OptText => v.text_at(key).map(Json::String),
            Kind::Int => Some(Json::int(self.int(v, key)?.unwrap_or(0))),
            Kind::OptInt => self.int(v, key)?.map(Json::int),
            Kind::ReqInt => Some(Json::int(
                self.int(v, key)?
                    .ok_or_else(|| self.fail(self.d.missing, key))?,
            )),
            Kind::IntOr(alt) => {
                let n = self.int(v, key)?.unwrap_or(0);
                let n = if n == 0 {
                    self.int(v, alt).ok().flatten().unwrap_or(0)
                } else {
                    n
                };
                Some(Json::int(n))
            }
            Kind::List => Some(Json::Array(self.list(v, key)?.to_vec())),
            Kind::OptList => match v.get_present(key) {
                None => None,
                Some(_) => Some(Json::Array(self.list(v, key)?.to_vec())),
            },
            Kind::ListOr(alt) => {
                let from = if v.get_present(key).is_some() {
                    key
                } else {
                    alt
                };
                Some(Json::Array(self.list(v, from)?.to_vec()))
            }
            Kind::Rows(sub) | Kind::Each(sub) => {
                let mut rows = Vec::new();
                for row in self.list(v, key)? {
                    if matches!(kind, Kind::Rows(_)) && row.as_object().is_none() {
                        return Err(self.fail(self.d.not_row, key));
                    }
                    rows.push(self.schema(sub, row)?);
                }
                Some(Json::Array(rows))
            }
            Kind::Nested(sub) => Some(self.schema(sub, v.get(key).unwrap_or(&Json::Null))?),
            Kind::Object(sub) => {
                let o = v
                    .get_present(key)
                    .filter(|o| o.as_object().is_some())
                    .ok_or_else(|| self.fail(self.d.missing, key))?;
                Some(self.schema(sub, o)?)
            }
            Kind::Derived(derive) => derive(v),
            Kind::Rest | Kind::RestValues => {
                for (k, x) in v.as_object().unwrap_or_default() {
                    if !s.fields.iter().any(|f| f.0 == k && f.1.outputs()) {
                        let x = match kind {
                            Kind::Rest => self.pair(k, x)?,
                            _ => self.normalise(x)?,
                        };
                        out.push((k.clone(), x));
                    }
                }
                None
            }
            Kind::MustRows => {
                if self.list(v, key)?.iter().any(|r| r.as_object().is_none()) {
                    return Err(self.fail(self.d.not_row, key));
                }
                None
            }
            Kind::MustObject => {
                if v.get_present(key).is_some_and(|o| o.as_object().is_none()) {
                    return Err(self.fail(self.d.not_object, key));
                }
                None
            }
            Kind::MustText => {
                let text = v.text_at(key);
                if text.is_none_or(|t| t.is_empty()) {
                    return Err(self.fail(self.d.missing, key));
                }
                None
            }
        };
        if let Some(value) = value {
            out.push((key.to_string(), value));
        }
        Ok(())
    }

    fn normalise(&self, value: &Json) -> Result<Json> {
        Ok(match value {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.normalise(item)?);
                }
                Json::Array(out)
            }
            Json::Object(pairs) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    out.push((k.clone(), self.pair(k, v)?));
                }
                Json::Object(out)
            }
            other => other.clone(),
        })
    }

    /// The value of the pair `key: v` normalised.
    fn pair(&self, key: &str, v: &Json) -> Result<Json> {
        let blank = matches!(v, Json::Null) || v.as_str() == Some("");
        if self.d.int_keys.contains(&key) && !blank {
            v.as_i64_lenient()
                .map(Json::int)
                .ok_or_else(|| self.fail(self.d.not_int, key))
        } else if self.d.id_keys.contains(&key) && matches!(v, Json::Number(_)) {
            Ok(Json::String(v.as_text().unwrap_or_default()))
        } else {
            self.normalise(v)
        }
    }
}
