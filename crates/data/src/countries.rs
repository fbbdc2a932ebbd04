//! The country table and name harmonisation across USGS, World Mining Data, BACI, WGI and
//! EU spellings. A name no rule recognises is an error that lists it: dropping a producer
//! would lower measured concentration, the wrong direction for a risk tool.

use crate::error::{ImportError, Result, UnknownName};
use crate::table::CsvTable;
use derisk_model::{Country, CountryCode};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

/// Project-authored aliases: spellings used by sources → ISO3 code.
pub const ALIASES_CSV: &str = include_str!("../../../data/reference/country_aliases.csv");
pub const ALIASES_FILE: &str = "data/reference/country_aliases.csv";
/// Former countries and reporting units that sources still use and the current ISO list
/// lacks (Netherlands Antilles, Serbia and Montenegro, BACI's Southern African Customs Union).
pub const EXTRA_CSV: &str = include_str!("../../../data/reference/extra_territories.csv");
pub const EXTRA_FILE: &str = "data/reference/extra_territories.csv";

/// Normalised alternative name → the countries that give it.
type Alternatives = BTreeMap<String, BTreeSet<CountryCode>>;

/// Resolves country names and codes to [`CountryCode`]s.
#[derive(Clone, Debug, Default)]
pub struct CountryResolver {
    by_name: HashMap<String, CountryCode>,
    codes: BTreeMap<CountryCode, ()>,
    /// Non-ISO codes used by sources, e.g. BACI's `S19` → `TWN`, WGI's `XKX` → `XKK`.
    code_aliases: HashMap<String, CountryCode>,
}

/// Normalise a name for lookup: lower case, ASCII letters only, words single-spaced,
/// a leading "the" removed.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        let c = match ch {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' | 'Á' | 'Å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            '&' => {
                out.push_str(" and ");
                continue;
            }
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => ' ',
        };
        out.push(c);
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let words = match words.first() {
        Some(&"the") => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

impl CountryResolver {
    /// Build from the ISO 3166 list (`alpha2,alpha3,numeric,name_en,alt_names_en`) plus the
    /// project's alias table.
    pub fn from_iso_list<R: Read>(file: &str, iso: R) -> Result<(CountryResolver, Vec<Country>)> {
        let mut t = CsvTable::new(file, iso)?;
        t.require(&["alpha3", "numeric", "name_en", "alt_names_en"])?;
        let mut r = CountryResolver::default();
        let mut countries = Vec::new();
        let mut first_line: HashMap<CountryCode, u64> = HashMap::new();
        // Alternative names shared by two countries ("Congo") resolve to neither: such a
        // name must be spelled out through an explicit alias.
        let mut alternatives = Alternatives::new();
        t.for_each(|row| {
            let code = row.country_code("alpha3")?;
            if let Some(first) = first_line.insert(code, row.line) {
                return Err(ImportError::Duplicate {
                    file: row.file.to_string(),
                    line: row.line,
                    key: code.to_string(),
                    first_line: first,
                });
            }
            let name = row.text("name_en")?.to_string();
            let m49 = match row.get("numeric") {
                "" => None,
                v => Some(
                    v.parse::<u16>()
                        .map_err(|_| row.error("numeric", "a UN M49 number"))?,
                ),
            };
            r.codes.insert(code, ());
            r.by_name.insert(normalise(&name), code);
            let alt_names: Vec<String> = row
                .get("alt_names_en")
                .split(['|', ';'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect();
            for alt in &alt_names {
                alternatives.entry(normalise(alt)).or_default().insert(code);
            }
            let alpha2 = match row.get("alpha2") {
                "" => None,
                v if v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()) => {
                    Some(v.to_string())
                }
                _ => return Err(row.error("alpha2", "two upper-case letters (ISO 3166-1 alpha-2)")),
            };
            countries.push(Country {
                code,
                name,
                alpha2,
                alt_names,
                m49,
                region: None,
                subregion: None,
            });
            Ok(())
        })?;
        r.add_alternatives(alternatives);
        r.add_extra_territories(&mut countries)?;
        r.add_aliases(ALIASES_FILE, ALIASES_CSV.as_bytes())?;
        Ok((r, countries))
    }

    /// Index alternative names that belong to exactly one country, without displacing a
    /// country's own name; a name shared by two countries ("Congo") resolves to neither.
    fn add_alternatives(&mut self, alternatives: Alternatives) {
        for (name, codes) in alternatives {
            if let (1, Some(code)) = (codes.len(), codes.first()) {
                self.by_name.entry(name).or_insert(*code);
            }
        }
    }

    /// Add the territories of [`EXTRA_CSV`] that the list does not already have.
    fn add_extra_territories(&mut self, countries: &mut Vec<Country>) -> Result<()> {
        let mut t = CsvTable::new(EXTRA_FILE, EXTRA_CSV.as_bytes())?;
        t.require(&["alpha3", "numeric", "name", "note"])?;
        t.for_each(|row| {
            let code = row.country_code("alpha3")?;
            if self.codes.contains_key(&code) {
                return Ok(());
            }
            let m49 = row
                .get("numeric")
                .parse::<u16>()
                .map_err(|_| row.error("numeric", "a UN M49 number"))?;
            let name = row.text("name")?.to_string();
            self.codes.insert(code, ());
            self.by_name.insert(normalise(&name), code);
            countries.push(Country {
                code,
                name,
                alpha2: None,
                alt_names: Vec::new(),
                m49: Some(m49),
                region: None,
                subregion: None,
            });
            Ok(())
        })?;
        Ok(())
    }

    /// Build from a dataset's country table plus the embedded aliases, so files can be
    /// imported at run time without the raw ISO list. Names resolve as with
    /// [`from_iso_list`](Self::from_iso_list): own names, alternative names that belong to
    /// one country only, then the aliases.
    pub fn from_countries(countries: &[Country]) -> Result<CountryResolver> {
        let mut r = CountryResolver::default();
        let mut alternatives = Alternatives::new();
        for c in countries {
            r.codes.insert(c.code, ());
            r.by_name.insert(normalise(&c.name), c.code);
            for alt in &c.alt_names {
                alternatives
                    .entry(normalise(alt))
                    .or_default()
                    .insert(c.code);
            }
        }
        r.add_alternatives(alternatives);
        r.add_aliases(ALIASES_FILE, ALIASES_CSV.as_bytes())?;
        Ok(r)
    }

    /// Add aliases from a CSV with columns `alias,iso3,kind,note` (kind: `name` or `code`).
    pub fn add_aliases<R: Read>(&mut self, file: &str, input: R) -> Result<()> {
        let mut t = CsvTable::new(file, input)?;
        t.require(&["alias", "iso3", "kind", "note"])?;
        let mut seen: HashMap<String, u64> = HashMap::new();
        t.for_each(|row| {
            let alias = row.text("alias")?;
            let code = row.country_code("iso3")?;
            if !self.codes.contains_key(&code) {
                return Err(row.error("iso3", "a code present in the ISO 3166 list"));
            }
            let key = format!("{}:{}", row.get("kind"), normalise(alias));
            if let Some(first) = seen.insert(key.clone(), row.line) {
                return Err(ImportError::Duplicate {
                    file: file.to_string(),
                    line: row.line,
                    key,
                    first_line: first,
                });
            }
            match row.get("kind") {
                "name" => {
                    self.by_name.insert(normalise(alias), code);
                }
                "code" => {
                    self.code_aliases.insert(alias.to_string(), code);
                }
                _ => return Err(row.error("kind", "`name` or `code`")),
            }
            Ok(())
        })?;
        Ok(())
    }

    /// The code for a name as some source spells it.
    pub fn by_name(&self, name: &str) -> Option<CountryCode> {
        self.by_name.get(&normalise(name)).copied()
    }

    /// The code for a source's code: an ISO3 code the list knows, or a documented alias.
    pub fn by_code(&self, code: &str) -> Option<CountryCode> {
        if let Some(c) = self.code_aliases.get(code) {
            return Some(*c);
        }
        let c = CountryCode::try_from(code).ok()?;
        self.codes.contains_key(&c).then_some(c)
    }

    pub fn is_known(&self, c: CountryCode) -> bool {
        self.codes.contains_key(&c)
    }
}

/// Collects unknown names while a file is read, so that one error lists them all.
#[derive(Default)]
pub struct UnknownNames {
    names: BTreeMap<String, Vec<u64>>,
}

impl UnknownNames {
    pub fn add(&mut self, name: &str, line: u64) {
        self.names.entry(name.to_string()).or_default().push(line);
    }
    /// Add the names of a later stretch of the same file (lines after these).
    pub fn merge(&mut self, later: UnknownNames) {
        for (name, lines) in later.names {
            self.names.entry(name).or_default().extend(lines);
        }
    }
    pub fn into_result(self, file: &str) -> Result<()> {
        if self.names.is_empty() {
            return Ok(());
        }
        Err(ImportError::UnknownCountries {
            file: file.to_string(),
            names: self
                .names
                .into_iter()
                .map(|(name, lines)| UnknownName { name, lines })
                .collect(),
        })
    }
}

/// Add region and subregion from the world-countries table (`cca3,region,subregion`).
pub fn add_regions<R: Read>(file: &str, input: R, countries: &mut [Country]) -> Result<()> {
    let mut t = CsvTable::new(file, input)?;
    t.require(&["cca3", "region", "subregion"])?;
    let mut regions: HashMap<String, (String, String)> = HashMap::new();
    t.for_each(|row| {
        regions.insert(
            row.get("cca3").to_string(),
            (
                row.get("region").to_string(),
                row.get("subregion").to_string(),
            ),
        );
        Ok(())
    })?;
    for c in countries.iter_mut() {
        if let Some((r, s)) = regions.get(c.code.as_str()) {
            c.region = (!r.is_empty()).then(|| r.clone());
            c.subregion = (!s.is_empty()).then(|| s.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_accents_case_and_punctuation() {
        assert_eq!(normalise("Côte d'Ivoire"), "cote d ivoire");
        assert_eq!(normalise("  Korea,  Republic of "), "korea republic of");
        assert_eq!(normalise("The Gambia"), "gambia");
        assert_eq!(normalise("Bosnia & Herzegovina"), "bosnia and herzegovina");
    }

    #[test]
    fn alternative_names_resolve_unless_ambiguous() {
        let iso = "alpha2,alpha3,numeric,name_en,alt_names_en\n\
                   CG,COG,178,Republic of the Congo,Congo\n\
                   CD,COD,180,Democratic Republic of the Congo,Congo|DR Congo\n";
        let (r, _) =
            CountryResolver::from_iso_list("iso.csv", iso.as_bytes()).unwrap_or_else(|e| {
                // The embedded aliases name codes outside this two-country list.
                assert!(e.to_string().contains("country_aliases"), "{e}");
                let mut r = CountryResolver::default();
                r.codes.insert(CountryCode::try_from("COG").unwrap(), ());
                (r, vec![])
            });
        if r.by_name("Republic of the Congo").is_some() {
            assert_eq!(r.by_name("DR Congo").unwrap().as_str(), "COD");
            assert_eq!(r.by_name("Congo"), None);
        }
    }
}
