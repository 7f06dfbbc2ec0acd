//! The values templates read, without building a `serde_json::Value` per message.
//!
//! Handlebars needs the context as a JSON tree; building one per message (a map node and a
//! key string per field, a string per value, then dropping them all) cost about a quarter of a
//! compiled render. [`Flat`] is the same tree laid out in two buffers, a list of nodes in
//! document order and one string holding every text, written by serde in one pass (the
//! context's own `Serialize`, so names and formats are exactly `to_value`'s). [`Val`] reads
//! either form, so the helpers and the compiled programs work on both.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

use handlebars::{JsonRender, JsonTruthy};
use serde::ser::{self, Serialize};
use serde_json::{Number, Value};

/// A value in the render context: a node of a [`Flat`] tree, or a JSON value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    /// A JSON value (Handlebars' data, a partial's hash value, a helper's result).
    Json(&'a Value),
    /// Node `n` of a flat tree.
    Flat(&'a Flat, u32),
}

/// What a value is, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind<'a> {
    Null,
    Bool(bool),
    Num(&'a Number),
    Str(&'a str),
    Array,
    Object,
}

impl<'a> Val<'a> {
    /// What the value is.
    #[inline(always)]
    pub(crate) fn kind(self) -> Kind<'a> {
        match self {
            Val::Json(v) => match v {
                Value::Null => Kind::Null,
                Value::Bool(b) => Kind::Bool(*b),
                Value::Number(n) => Kind::Num(n),
                Value::String(s) => Kind::Str(s),
                Value::Array(_) => Kind::Array,
                Value::Object(_) => Kind::Object,
            },
            Val::Flat(f, i) => match &f.nodes[i as usize].what {
                What::Null => Kind::Null,
                What::Bool(b) => Kind::Bool(*b),
                What::Num(n) => Kind::Num(n),
                What::Str(a, b) => Kind::Str(&f.text[*a as usize..*b as usize]),
                What::Array => Kind::Array,
                What::Object { .. } => Kind::Object,
            },
        }
    }

    /// The text of a string.
    #[inline(always)]
    pub(crate) fn as_str(self) -> Option<&'a str> {
        match self.kind() {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean.
    #[inline]
    pub(crate) fn as_bool(self) -> Option<bool> {
        match self.kind() {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Field `key` of an object.
    pub(crate) fn get(self, key: &str) -> Option<Val<'a>> {
        match self {
            Val::Json(v) => v.as_object()?.get(key).map(Val::Json),
            Val::Flat(f, i) => f.find(i, key).map(|(c, _)| Val::Flat(f, c)),
        }
    }

    /// Field `key` of an object, trying first where `hint` says it was found last time.
    ///
    /// The compiled programs keep one hint per path segment: a struct's fields are always
    /// serialised in the same order, so a field is at the same position among its object's
    /// fields in every context (whatever the size of the values before it: an invoice with
    /// or without interest, a list of any length), and one comparison replaces a search by
    /// name. The hint is checked (by name), so a wrong one costs only the search.
    #[inline(always)]
    pub(crate) fn get_hinted(self, key: &str, hint: &Hint) -> Option<Val<'a>> {
        let Val::Flat(f, i) = self else {
            return self.get(key);
        };
        let h = hint.at.load(Ordering::Relaxed);
        if let Some(c) = f.field(i, h)
            && hint.names(&f.nodes[c as usize], key)
        {
            return Some(Val::Flat(f, c));
        }
        f.find_and_hint(i, key, hint).map(|c| Val::Flat(f, c))
    }

    /// The elements of an array (`None` if not an array).
    pub(crate) fn items(self) -> Option<Items<'a>> {
        match self {
            Val::Json(Value::Array(a)) => Some(Items::Json(a.iter())),
            Val::Flat(f, i) if matches!(f.nodes[i as usize].what, What::Array) => {
                Some(Items::Flat(f, i + 1, f.nodes[i as usize].end))
            }
            _ => None,
        }
    }

    /// Number of elements of an array or fields of an object.
    pub(crate) fn len(self) -> usize {
        match self {
            Val::Json(Value::Array(a)) => a.len(),
            Val::Json(Value::Object(m)) => m.len(),
            Val::Json(_) => 0,
            Val::Flat(f, i) => f.children(i).count(),
        }
    }

    /// As Handlebars writes it (`JsonRender`).
    #[inline(always)]
    pub(crate) fn render(self) -> Cow<'a, str> {
        match (self, self.kind()) {
            (_, Kind::Str(s)) => Cow::Borrowed(s),
            (_, Kind::Null) => Cow::Borrowed(""),
            (Val::Json(v), _) => Cow::Owned(v.render()),
            (Val::Flat(..), _) => Cow::Owned(self.to_json().render()),
        }
    }

    /// Handlebars' truthiness without `includeZero`.
    #[inline]
    pub(crate) fn truthy(self) -> bool {
        match self {
            Val::Json(v) => v.is_truthy(false),
            Val::Flat(f, i) => {
                // Read in place: a list or object is truthy when it has a child node.
                let n = &f.nodes[i as usize];
                match &n.what {
                    What::Null => false,
                    What::Bool(b) => *b,
                    What::Num(x) => x.as_f64().is_some_and(f64::is_normal),
                    What::Str(a, b) => a != b,
                    What::Array | What::Object { .. } => n.end > i + 1,
                }
            }
        }
    }

    /// The same value as JSON.
    pub(crate) fn to_json(self) -> Value {
        match self {
            Val::Json(v) => v.clone(),
            Val::Flat(f, i) => match &f.nodes[i as usize].what {
                What::Array => {
                    Value::Array(f.children(i).map(|c| Val::Flat(f, c).to_json()).collect())
                }
                What::Object { .. } => Value::Object(
                    f.children(i)
                        .map(|c| {
                            (
                                f.nodes[c as usize].key.to_owned(),
                                Val::Flat(f, c).to_json(),
                            )
                        })
                        .collect(),
                ),
                _ => match self.kind() {
                    Kind::Null => Value::Null,
                    Kind::Bool(b) => Value::Bool(b),
                    Kind::Num(n) => Value::Number(n.clone()),
                    Kind::Str(s) => Value::String(s.to_owned()),
                    Kind::Array | Kind::Object => Value::Null,
                },
            },
        }
    }

    /// JSON equality (`{{#if (eq a b)}}`).
    pub(crate) fn same(self, other: Val<'_>) -> bool {
        match (self.kind(), other.kind()) {
            (Kind::Str(a), Kind::Str(b)) => a == b,
            (Kind::Null, Kind::Null) => true,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Num(a), Kind::Num(b)) => a == b,
            (Kind::Array | Kind::Object, Kind::Array | Kind::Object) => {
                self.to_json() == other.to_json()
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Val<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Json(v) => v.fmt(f),
            Val::Flat(..) => self.to_json().fmt(f),
        }
    }
}

/// The elements of an array.
pub(crate) enum Items<'a> {
    Json(std::slice::Iter<'a, Value>),
    Flat(&'a Flat, u32, u32),
}

impl<'a> Iterator for Items<'a> {
    type Item = Val<'a>;

    fn next(&mut self) -> Option<Val<'a>> {
        match self {
            Items::Json(it) => it.next().map(Val::Json),
            Items::Flat(f, at, end) => {
                if *at >= *end {
                    return None;
                }
                let i = *at;
                *at = f.nodes[i as usize].end;
                Some(Val::Flat(f, i))
            }
        }
    }
}

#[derive(Debug, Clone)]
enum What {
    Null,
    Bool(bool),
    Num(Number),
    /// Byte range in [`Flat::text`].
    Str(u32, u32),
    Array,
    /// The node indices of its fields are `Flat::fields[slot..slot + len]` (`u32::MAX` for a
    /// field not written); the root's are `Flat::root_fields`.
    Object {
        slot: u32,
        len: u32,
    },
}

#[derive(Debug, Clone)]
struct Node {
    what: What,
    /// Field name in the parent object (empty in an array).
    key: &'static str,
    /// Index after this node's subtree.
    end: u32,
}

/// Where a field was found last time (see [`Val::get_hinted`]): shared by every render of a
/// program, so atomic; only ever a hint.
#[derive(Debug)]
pub(crate) struct Hint {
    /// Position among its object's fields.
    at: AtomicU32,
    /// Address of the field name (a `&'static str` of the context's `Serialize`) found
    /// there: the same address and length is the same name, without comparing bytes.
    key: AtomicPtr<u8>,
}

impl Hint {
    /// No hint yet.
    pub(crate) const fn new() -> Hint {
        Hint {
            at: AtomicU32::new(0),
            key: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    /// Whether node `n` is named `key` (by address first; an equal name found by its bytes
    /// leaves its address, so the next comparison is by address).
    #[inline(always)]
    fn names(&self, n: &Node, key: &str) -> bool {
        if n.key.len() != key.len() {
            return false;
        }
        if std::ptr::eq(n.key.as_ptr(), self.key.load(Ordering::Relaxed)) {
            return true;
        }
        let same = n.key == key;
        if same {
            // Only ever compared, never read through.
            self.key.store(n.key.as_ptr().cast_mut(), Ordering::Relaxed);
        }
        same
    }
}

impl Default for Hint {
    fn default() -> Hint {
        Hint::new()
    }
}

/// A JSON tree in two buffers: nodes in document order (each knows where its subtree ends)
/// and the text of every string.
#[derive(Debug, Default)]
pub(crate) struct Flat {
    nodes: Vec<Node>,
    text: String,
    /// The root object's fields, in order (the context's, then the extra one).
    root_fields: Vec<u32>,
    /// Every other object's fields, by position: a run of slots per object (see
    /// [`What::Object`]).
    fields: Vec<u32>,
}

impl Flat {
    /// `value` serialised, then `extra` as a field `key` of it (the context plus `summary`).
    /// `None` if serde asks for something a context never has (maps, bytes, enums with data).
    pub(crate) fn of<T: Serialize, U: Serialize>(
        value: &T,
        key: &'static str,
        extra: &U,
    ) -> Option<Flat> {
        // The buffers of the thread's previous context (see `Drop`), emptied: a context's
        // nodes take about ten kilobytes, too many to allocate and free per message.
        let (mut nodes, mut text, mut root_fields, mut fields) = SPARE
            .try_with(std::cell::Cell::take)
            .ok()
            .flatten()
            .unwrap_or_else(|| {
                (
                    Vec::with_capacity(256),
                    String::with_capacity(2048),
                    Vec::with_capacity(32),
                    Vec::with_capacity(256),
                )
            });
        nodes.clear();
        text.clear();
        root_fields.clear();
        fields.clear();
        let mut flat = Flat {
            nodes,
            text,
            root_fields,
            fields,
        };
        value
            .serialize(Builder {
                flat: &mut flat,
                key: "",
                parent: u32::MAX,
            })
            .ok()?;
        if !matches!(flat.nodes.first()?.what, What::Object { .. }) {
            return None;
        }
        extra
            .serialize(Builder {
                flat: &mut flat,
                key,
                parent: 0,
            })
            .ok()?;
        let n = u32::try_from(flat.nodes.len()).ok()?;
        flat.nodes[0].end = n;
        Some(flat)
    }

    /// The root value.
    pub(crate) fn root(&self) -> Val<'_> {
        Val::Flat(self, 0)
    }

    fn children(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let end = self.nodes[i as usize].end;
        let mut at = i + 1;
        std::iter::from_fn(move || {
            if at >= end {
                return None;
            }
            let c = at;
            at = self.nodes[c as usize].end;
            Some(c)
        })
    }

    /// The node of the field at position `at` among object `i`'s fields.
    #[inline(always)]
    fn field(&self, i: u32, at: u32) -> Option<u32> {
        if i == 0 {
            return self.root_fields.get(at as usize).copied();
        }
        match self.nodes.get(i as usize)?.what {
            What::Object { slot, len } if at < len => self
                .fields
                .get(slot as usize + at as usize)
                .copied()
                .filter(|&c| c != u32::MAX),
            _ => None,
        }
    }

    /// The fields of object `i` by position (`u32::MAX`: not written); empty if not an object.
    fn field_slots(&self, i: u32) -> &[u32] {
        if i == 0 {
            return &self.root_fields;
        }
        match self.nodes.get(i as usize).map(|n| &n.what) {
            Some(What::Object { slot, len }) => self
                .fields
                .get(*slot as usize..*slot as usize + *len as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Field `key` of object `i`: its node and its position among the object's fields.
    fn find(&self, i: u32, key: &str) -> Option<(u32, u32)> {
        // Length and first byte first: most fields differ there, without a memcmp.
        let (len, first) = (key.len(), key.as_bytes().first());
        let (pos, c) = self.field_slots(i).iter().enumerate().find(|&(_, &c)| {
            self.nodes.get(c as usize).is_some_and(|n| {
                let k = n.key;
                k.len() == len && k.as_bytes().first() == first && k == key
            })
        })?;
        Some((*c, u32::try_from(pos).ok()?))
    }

    /// [`Flat::find`], remembering the position in `hint`: the rare path of
    /// [`Val::get_hinted`], kept out of line so that the usual one stays small.
    #[cold]
    #[inline(never)]
    fn find_and_hint(&self, i: u32, key: &str, hint: &Hint) -> Option<u32> {
        let (c, h) = self.find(i, key)?;
        hint.at.store(h, Ordering::Relaxed);
        // Only ever compared, never read through.
        let name = self.nodes[c as usize].key.as_ptr().cast_mut();
        hint.key.store(name, Ordering::Relaxed);
        Some(c)
    }

    fn push(&mut self, key: &'static str, parent: u32, what: What) -> usize {
        let at = self.nodes.len();
        let index = u32::try_from(at).unwrap_or(u32::MAX);
        if parent == 0 {
            self.root_fields.push(index);
        }
        self.nodes.push(Node {
            what,
            key,
            end: index.saturating_add(1),
        });
        at
    }

    fn close(&mut self, at: usize) {
        self.nodes[at].end = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
    }

    fn text_range(&self, start: usize) -> What {
        What::Str(
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(self.text.len()).unwrap_or(u32::MAX),
        )
    }
}

/// Buffers of a dropped [`Flat`], for the thread's next one.
type Spare = (Vec<Node>, String, Vec<u32>, Vec<u32>);

thread_local! {
    static SPARE: std::cell::Cell<Option<Spare>> = const { std::cell::Cell::new(None) };
}

impl Drop for Flat {
    fn drop(&mut self) {
        let spare = (
            std::mem::take(&mut self.nodes),
            std::mem::take(&mut self.text),
            std::mem::take(&mut self.root_fields),
            std::mem::take(&mut self.fields),
        );
        // Past the thread's end (its locals gone) the buffers are simply freed.
        let _ = SPARE.try_with(|s| s.set(Some(spare)));
    }
}

/// Something serde asked for that a context never has.
#[derive(Debug)]
struct Unsupported;

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not representable in a flat context")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// Writes one value (and its subtree) as field `key`.
struct Builder<'f> {
    flat: &'f mut Flat,
    key: &'static str,
    parent: u32,
}

/// An array or object being written.
struct Compound<'f> {
    flat: &'f mut Flat,
    at: usize,
    /// Fields of an object written so far.
    written: u32,
}

impl Compound<'_> {
    fn index(&self) -> u32 {
        u32::try_from(self.at).unwrap_or(u32::MAX)
    }
}

impl Builder<'_> {
    fn leaf(self, what: What) -> Result<(), Unsupported> {
        self.flat.push(self.key, self.parent, what);
        Ok(())
    }

    fn number(self, n: Number) -> Result<(), Unsupported> {
        self.leaf(What::Num(n))
    }
}

macro_rules! numbers {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<(), Unsupported> {
            self.number(Number::from(v))
        }
    )*};
}

impl<'f> ser::Serializer for Builder<'f> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'f>;
    type SerializeTuple = Compound<'f>;
    type SerializeTupleStruct = Compound<'f>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = ser::Impossible<(), Unsupported>;
    type SerializeStruct = Compound<'f>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    numbers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.leaf(What::Bool(v))
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        match Number::from_f64(v) {
            Some(n) => self.number(n),
            None => self.leaf(What::Null),
        }
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        let start = self.flat.text.len();
        self.flat.text.push_str(v);
        let what = self.flat.text_range(start);
        self.leaf(what)
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, v: &T) -> Result<(), Unsupported> {
        let start = self.flat.text.len();
        write!(self.flat.text, "{v}").map_err(|_| Unsupported)?;
        let what = self.flat.text_range(start);
        self.leaf(what)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.leaf(What::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.leaf(What::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.leaf(What::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'f>, Unsupported> {
        let at = self.flat.push(self.key, self.parent, What::Array);
        Ok(Compound {
            flat: self.flat,
            at,
            written: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'f>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Compound<'f>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'f>, Unsupported> {
        let slot = u32::try_from(self.flat.fields.len()).map_err(|_| Unsupported)?;
        let len32 = u32::try_from(len).map_err(|_| Unsupported)?;
        let at = self
            .flat
            .push(self.key, self.parent, What::Object { slot, len: len32 });
        // The root's fields (and the extra one) are listed in `root_fields` instead.
        if at != 0 {
            self.flat
                .fields
                .resize(self.flat.fields.len() + len, u32::MAX);
        }
        Ok(Compound {
            flat: self.flat,
            at,
            written: 0,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        let parent = self.index();
        v.serialize(Builder {
            flat: self.flat,
            key: "",
            parent,
        })
    }

    fn finish(self) -> Result<(), Unsupported> {
        self.flat.close(self.at);
        Ok(())
    }
}

/// The three serde traits for a list of values without names: each element in turn.
macro_rules! elements {
    ($($trait:ident: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
                self.element(v)
            }
            fn end(self) -> Result<(), Unsupported> {
                self.finish()
            }
        }
    )*};
}

elements!(
    SerializeSeq: serialize_element,
    SerializeTuple: serialize_element,
    SerializeTupleStruct: serialize_field
);

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        let parent = self.index();
        if parent != 0 {
            // serde gives a struct's number of fields up front; more is not a struct.
            let What::Object { slot, len } = self.flat.nodes[self.at].what else {
                return Err(Unsupported);
            };
            if self.written >= len {
                return Err(Unsupported);
            }
            let node = u32::try_from(self.flat.nodes.len()).map_err(|_| Unsupported)?;
            self.flat.fields[(slot + self.written) as usize] = node;
        }
        self.written += 1;
        v.serialize(Builder {
            flat: self.flat,
            key,
            parent,
        })
    }
    fn end(self) -> Result<(), Unsupported> {
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{KINDS, RenderContext, Sample};

    /// A hinted lookup finds exactly what a search by name finds, with one hint per name shared
    /// by contexts of different shapes (lists of other lengths before a field, fields of
    /// other objects with the same name), as the programs share theirs between messages.
    #[test]
    fn hinted_lookups_find_what_a_search_finds() {
        let mut hints: std::collections::HashMap<&'static str, Hint> = Default::default();
        let mut checked = 0;
        for sample in Sample::ALL {
            for extras in [false, true] {
                for kind in KINDS {
                    let mut ctx = RenderContext::sample(sample, kind.name);
                    if extras {
                        ctx = ctx.with_extras();
                    }
                    let flat = Flat::of(&ctx, "summary", &ctx.summary()).unwrap();
                    for (i, n) in flat.nodes.iter().enumerate() {
                        if !matches!(n.what, What::Object { .. }) {
                            continue;
                        }
                        let obj = Val::Flat(&flat, u32::try_from(i).unwrap());
                        let names: Vec<&'static str> = flat
                            .children(obj_index(obj))
                            .map(|c| flat.nodes[c as usize].key)
                            .collect();
                        for name in names.iter().copied().chain(["missing", "name", "date"]) {
                            let hint = hints.entry(name).or_default();
                            // A copy of the name: found by bytes, not only by address.
                            let owned = name.to_owned();
                            for key in [name, owned.as_str()] {
                                // Found by walking the children, not through the slot table
                                // both lookups now share.
                                let want = flat
                                    .children(obj_index(obj))
                                    .find(|&c| flat.nodes[c as usize].key == key);
                                let got = obj.get_hinted(key, hint).map(|v| obj_index(v));
                                assert_eq!(got, want, "{key} in node {i}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    fn obj_index(v: Val<'_>) -> u32 {
        match v {
            Val::Flat(_, i) => i,
            Val::Json(_) => u32::MAX,
        }
    }

    /// The flat tree holds exactly what `to_value` builds, for every sample context.
    #[test]
    fn flat_context_is_the_json_context() {
        for kind in KINDS {
            for sample in Sample::ALL {
                for extras in [false, true] {
                    let mut ctx = RenderContext::sample(sample, kind.name);
                    if extras {
                        ctx = ctx.with_extras();
                    }
                    let flat = Flat::of(&ctx, "summary", &ctx.summary()).unwrap();
                    assert_eq!(
                        flat.root().to_json(),
                        ctx.to_value().unwrap(),
                        "{}",
                        kind.name
                    );
                }
            }
        }
    }
}
