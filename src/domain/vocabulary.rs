//! How a word the database stores becomes a type: one macro declares the enum, its stored
//! spelling, the parse back and the SQLite conversions, so that the spelling of a kind, an
//! actor or a status is written exactly once and a misspelt one is a compile error.
//!
//! A stored value this version does not know (a newer database, a hand edit) is an
//! [`UnknownWord`] naming the concept, the value and the words it knows.

use std::fmt;

/// A stored or typed value that names none of a vocabulary's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    /// The concept, e.g. `audit event kind`.
    pub what: &'static str,
    /// The value found.
    pub value: String,
    /// Every word known, in declaration order.
    pub known: &'static [&'static str],
}

impl fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?}: this version of cobrador knows {}",
            self.what,
            self.value,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownWord {}

/// Declares a closed vocabulary: `vocabulary! { /// doc  pub enum Name ("concept") { /// doc
/// Variant => "stored", ... } }` gives the enum with `ALL`, `as_str`, `Display`, `FromStr`
/// (error [`UnknownWord`]), `Serialize` as the stored word, and rusqlite `ToSql`/`FromSql`.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every word, in declaration order.
            pub const ALL: &'static [$name] = &[$( $name::$variant, )+];
            /// Every stored spelling, in declaration order.
            pub const WORDS: &'static [&'static str] = &[$( $word, )+];

            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $word, )+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $word => Ok($name::$variant), )+
                    other => Err($crate::domain::UnknownWord {
                        what: $what,
                        value: other.to_owned(),
                        known: Self::WORDS,
                    }),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl ::rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> ::rusqlite::Result<::rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl ::rusqlite::types::FromSql for $name {
            fn column_result(
                value: ::rusqlite::types::ValueRef<'_>,
            ) -> ::rusqlite::types::FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e| ::rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

pub(crate) use vocabulary;

/// Levenshtein distance, for "did you mean" suggestions (column names, template variables:
/// short words).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    vocabulary! {
        /// A test vocabulary.
        enum Colour ("colour") {
            /// Red.
            Red => "red",
            /// Light blue.
            LightBlue => "light_blue",
        }
    }

    #[test]
    fn words_round_trip_and_unknown_ones_name_what_is_known() {
        for c in Colour::ALL {
            assert_eq!(c.as_str().parse::<Colour>(), Ok(*c));
        }
        assert_eq!(Colour::LightBlue.to_string(), "light_blue");
        let e = "blue".parse::<Colour>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown colour \"blue\": this version of cobrador knows red, light_blue"
        );
    }

    #[test]
    fn sqlite_stores_the_word_and_refuses_an_unknown_one() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let back: Colour = conn
            .query_row("SELECT ?1", [Colour::LightBlue], |r| r.get(0))
            .unwrap();
        assert_eq!(back, Colour::LightBlue);
        let stored: String = conn
            .query_row("SELECT ?1", [Colour::Red], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, "red");
        let e = conn
            .query_row("SELECT 'green'", [], |r| r.get::<_, Colour>(0))
            .unwrap_err();
        assert!(e.to_string().contains("unknown colour \"green\""), "{e}");
    }
}
