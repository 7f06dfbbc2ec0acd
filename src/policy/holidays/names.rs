//! Spain's regions by name: an owner writes "Madrid", "Cataluña", "Sevilla" or "Las Palmas"
//! in the region (or province) column, not the ISO code; each names one autonomous community.

/// The ISO 3166-2:ES code of the community `name` names (itself, or one of its provinces, or
/// the usual other spellings), if any.
pub(super) fn spanish_region(name: &str) -> Option<&'static str> {
    let key = fold(name);
    let key = [
        "comunidad autonoma de ",
        "comunidad de ",
        "comunitat ",
        "comunidad ",
        "region de ",
        "principado de ",
        "provincia de ",
        "islas ",
        "illes ",
    ]
    .iter()
    .find_map(|p| key.strip_prefix(p))
    .unwrap_or(&key)
    .to_owned();
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(code, _)| *code)
}

/// Lower case, accents off, hyphens and apostrophes as spaces, single spaces.
fn fold(name: &str) -> String {
    let plain: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' => 'a',
            'é' | 'è' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ò' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            '-' | '\'' | '’' | '·' | '.' | ',' | '/' => ' ',
            c => c,
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each community's code, its names and its provinces' names (folded).
const NAMES: [(&str, &[&str]); 19] = [
    (
        "AN",
        &[
            "andalucia",
            "almeria",
            "cadiz",
            "cordoba",
            "granada",
            "huelva",
            "jaen",
            "malaga",
            "sevilla",
        ],
    ),
    ("AR", &["aragon", "huesca", "teruel", "zaragoza"]),
    ("AS", &["asturias", "oviedo"]),
    ("CB", &["cantabria", "santander"]),
    ("CE", &["ceuta"]),
    (
        "CL",
        &[
            "castilla y leon",
            "castilla leon",
            "avila",
            "burgos",
            "leon",
            "palencia",
            "salamanca",
            "segovia",
            "soria",
            "valladolid",
            "zamora",
        ],
    ),
    (
        "CM",
        &[
            "castilla la mancha",
            "castilla mancha",
            "albacete",
            "ciudad real",
            "cuenca",
            "guadalajara",
            "toledo",
        ],
    ),
    (
        "CN",
        &[
            "canarias",
            "las palmas",
            "las palmas de gran canaria",
            "gran canaria",
            "santa cruz de tenerife",
            "tenerife",
        ],
    ),
    (
        "CT",
        &[
            "cataluna",
            "catalunya",
            "barcelona",
            "girona",
            "gerona",
            "lleida",
            "lerida",
            "tarragona",
        ],
    ),
    ("EX", &["extremadura", "badajoz", "caceres"]),
    (
        "GA",
        &[
            "galicia",
            "a coruna",
            "la coruna",
            "coruna",
            "lugo",
            "ourense",
            "orense",
            "pontevedra",
        ],
    ),
    (
        "IB",
        &[
            "balears",
            "baleares",
            "mallorca",
            "menorca",
            "ibiza",
            "eivissa",
            "formentera",
        ],
    ),
    ("MC", &["murcia"]),
    ("MD", &["madrid"]),
    ("ML", &["melilla"]),
    ("NC", &["navarra", "nafarroa", "foral de navarra"]),
    (
        "PV",
        &[
            "pais vasco",
            "euskadi",
            "alava",
            "araba",
            "gipuzkoa",
            "guipuzcoa",
            "bizkaia",
            "vizcaya",
        ],
    ),
    ("RI", &["la rioja", "rioja", "logrono"]),
    (
        "VC",
        &[
            "valenciana",
            "comunidad valenciana",
            "comunitat valenciana",
            "valencia",
            "alicante",
            "alacant",
            "castellon",
            "castello",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::spanish_region;

    #[test]
    fn communities_and_provinces_by_their_names() {
        for (name, code) in [
            ("Madrid", "MD"),
            ("Comunidad de Madrid", "MD"),
            ("Cataluña", "CT"),
            ("Catalunya", "CT"),
            ("Sevilla", "AN"),
            ("Las Palmas", "CN"),
            ("Islas Canarias", "CN"),
            ("País Vasco", "PV"),
            ("Bizkaia", "PV"),
            ("Comunitat Valenciana", "VC"),
            ("València", "VC"),
            ("Illes Balears", "IB"),
            ("Castilla-La Mancha", "CM"),
            ("Región de Murcia", "MC"),
            ("A Coruña", "GA"),
        ] {
            assert_eq!(spanish_region(name), Some(code), "{name}");
        }
        assert_eq!(spanish_region("Bilbo"), None);
        assert_eq!(spanish_region("Springfield"), None);
    }
}
