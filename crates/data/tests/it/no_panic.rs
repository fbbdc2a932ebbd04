//! Importers return `Ok` or `Err` on any input and never panic: arbitrary bytes, and
//! CSV-shaped text built from tokens that real files contain (and break on).
//!
//! Every importer of the crate is here: BACI (derisk's layout and CEPII's, with its
//! country-code file and file names), WGI (three forms), USGS, World Mining Data,
//! IEA (workbook and extract), bleecam capacity, EU factsheet shares, USGS's US net import
//! reliance, and the readers of the project's own reference tables.

use derisk_data::baci::{read_baci, BaciFilter};
use derisk_data::baci_cepii::{read_cepii, CountryCodes, FileName, HsRevision, Release};
use derisk_data::commodities::CommodityMap;
use derisk_data::processing::{import_bleecam_capacity, import_eu_factsheet_shares, Alpha2Map};
use derisk_data::wgi::{read_political_stability, read_wgi_wide};
use derisk_data::{iea, reference, usgs, usgs_nir, wmd};
use derisk_data::{CountryResolver, ImportContext, ImportOptions};
use derisk_model::Mineral;
use derisk_model::{HsCode, Year};
use flate2::write::GzEncoder;
use flate2::Compression;
use proptest::prelude::*;
use std::io::Write;
use std::sync::OnceLock;

/// A small country list: a few codes plus every alias target.
fn resolver() -> &'static CountryResolver {
    static R: OnceLock<CountryResolver> = OnceLock::new();
    R.get_or_init(|| {
        // The fixture copy of the ISO list (MIT, npm i18n-iso-countries).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/iso3166_countries.csv"
        );
        CountryResolver::from_iso_list("iso3166_countries.csv", std::fs::File::open(path).unwrap())
            .expect("fixture country list")
            .0
    })
}

fn minerals() -> &'static [Mineral] {
    static M: OnceLock<Vec<Mineral>> = OnceLock::new();
    M.get_or_init(|| reference::minerals().expect("embedded minerals"))
}

/// A country-code file in CEPII's shape: codes the fixture list knows, CEPII's own `S19`,
/// `R20` (no country) and a blank code.
fn cepii_codes() -> &'static CountryCodes {
    static C: OnceLock<CountryCodes> = OnceLock::new();
    C.get_or_init(|| {
        let text = "country_code,country_name,iso2,iso3\n152,Chile,CL,CHL\n156,China,CN,CHN\n\
                    490,\"Other Asia, nes\",,S19\n697,\"Europe EFTA, nes\",,R20\n999,Blank,,\n";
        CountryCodes::read("codes.csv", text.as_bytes()).expect("country codes")
    })
}

fn release() -> Release {
    Release {
        revision: HsRevision::Hs1992,
        version: None,
    }
}

fn alpha2() -> &'static Alpha2Map {
    static A: OnceLock<Alpha2Map> = OnceLock::new();
    A.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/iso3166_countries.csv"
        );
        Alpha2Map::from_iso_list("iso3166_countries.csv", std::fs::File::open(path).unwrap())
            .expect("alpha-2 map")
    })
}

/// Run `f` with a strict and a lenient context.
fn with_contexts(mut f: impl FnMut(&ImportContext)) {
    for skip in [false, true] {
        let options = ImportOptions {
            skip_unknown_countries: skip,
        };
        let ctx = ImportContext {
            countries: resolver(),
            minerals: minerals(),
            options: &options,
        };
        f(&ctx);
    }
}

const HEADERS: [&str; 17] = [
    "edition,commodity,table,units,country,is_aggregate,prod_2024,prod_2024_flag,prod_2025e,prod_2025e_flag,capacity_2025,reserves,reserves_flag,prod_2024_raw,prod_2025e_raw,reserves_raw,note,source_pdf",
    "commodity,category,country,country_un_m49,iso3,year,value,unit,data_quality",
    "time_period,process,location,material,capacity,notes",
    "id,material,producer_1,producer_2,producer_1_percentage,producer_2_percentage,cummulated_percentage",
    "id,country,minerals,hs,measure,start,end,summary,source_url",
    "id,name,description,as_of,source_url",
    "id,publisher,title,edition,licence,attribution,url,taken,caveats,coverage",
    "mineral,hs,description,stage,content_factor,factor_basis",
    "year,exporter_m49,exporter_iso3,importer_m49,importer_iso3,hs92,value_kusd,quantity_t",
    "\u{feff}\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"1996\",\"2022\",",
    "iso3,country,year,VA_est,PV_est,GE_est,RQ_est,RL_est,CC_est,mean6_est",
    "iso3,country,un_m49,year,estimate,std_err,num_sources,percentile_rank,rank_lower,rank_upper,normalized_0_1_geopolrisk",
    "t,i,j,k,v,q",
    "country_code,country_name,country_iso2,country_iso3",
    "a,b",
    "edition,commodity,nir_pct_2024,nir_pct_2025e,import_sources_period,import_sources_pct",
    "commodity,mineral,stage,scope,note",
];

/// derisk's own BACI header.
const BACI_HEADER: &str =
    "year,exporter_m49,exporter_iso3,importer_m49,importer_iso3,hs92,value_kusd,quantity_t";

const TOKENS: &[&str] = &[
    "",
    "NA",
    "#N/A",
    "..",
    "None",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "-1",
    "-0",
    "0",
    "0.5",
    "-2.6",
    "101",
    "2022",
    "1899",
    "65535",
    "99999999999999999999",
    "CHN",
    "CHL",
    "S19",
    "XKX",
    "ZA1",
    "R20",
    "PUS",
    "chn",
    "MCS 2026",
    "cobalt",
    "Cobalt",
    "Congo (Kinshasa)",
    "world",
    "other",
    "withheld",
    "not_available",
    "greater_than",
    "metr. t",
    "e",
    "CN",
    "mining",
    "ban",
    "2023-08-01",
    "2023-02-30",
    "ÄÖÜ",
    "283691",
    "12345",
    "1234567",
    "PV.EST",
    "CC.STD.ERR",
    "PV.PER.RNK",
    "XX.EST",
    "PV",
    "\"",
    "\"a,b\"",
    "\u{feff}",
    " 7 ",
    ">50",
    "<25",
    "E",
    "W",
    "copper",
];

/// CSV-like text: one of the known headers, then rows of tokens with varying field counts.
fn csv_text() -> impl Strategy<Value = String> {
    let row = proptest::collection::vec(proptest::sample::select(TOKENS), 0..12);
    (
        proptest::sample::select(&HEADERS[..]),
        proptest::collection::vec(row, 0..8),
        any::<bool>(),
    )
        .prop_map(|(header, rows, crlf)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut s = format!("{header}{eol}");
            for r in rows {
                s.push_str(&r.join(","));
                s.push_str(eol);
            }
            s
        })
}

/// BACI rows whose fields are mostly plausible, so that the later stages (country lookup,
/// filters, sorting, duplicate detection) are reached too.
fn baci_text() -> impl Strategy<Value = String> {
    use proptest::sample::select;
    let row = (
        select(&["1995", "2022", "2022", "2100", "1899", "20x2"][..]),
        select(&["156", "490", "0", "x", ""][..]),
        select(&["CHN", "CHL", "S19", "PUS", "ZZZ", "", "chn"][..]),
        select(&["283691", "283691", "12345", "1234567", "0"][..]),
        select(&["1.5", "0", "-1", "NaN", "", "1e308"][..]),
        select(&["", "NA", "2", "-3", "1e308", "0.25"][..]),
    )
        .prop_map(|(y, m, c, h, v, q)| format!("{y},{m},{c},{m},{c},{h},{v},{q}"));
    proptest::collection::vec(row, 0..20).prop_map(|rows| {
        let mut s = String::from(BACI_HEADER);
        s.push('\n');
        for r in rows {
            s.push_str(&r);
            s.push('\n');
        }
        s
    })
}

/// Rows of CEPII's layout: mostly plausible ones (few keys, so duplicates happen; `R20` in
/// the country file names no country), some with padded, `NA`, lost-zero or broken fields
/// and codes missing from the country file.
fn cepii_text() -> impl Strategy<Value = String> {
    use proptest::sample::select;
    let plausible = (
        select(&["2022", "2023"][..]),
        select(&["152", "156", "490", " 156", "697"][..]),
        select(&["152", "156", "490", "156 "][..]),
        select(&["283691", "51110", "280530"][..]),
        select(&["1.5", "0", "  12.25"][..]),
        select(&["", "NA", "\"         NA\"", "2", " 0.25"][..]),
    );
    let code = || {
        select(
            &[
                "152", "156", "490", "697", "999", "4", " 156", "1000", "x", "",
            ][..],
        )
    };
    let messy = (
        select(&["2022", "1995", "2100", "1899", "20x2"][..]),
        code(),
        code(),
        select(&["283691", "051110", "  283691", "1234", "1234567", "0"][..]),
        select(&["1.5", "-1", "NaN", "", "1e308"][..]),
        select(&["", "NA", "2", "-3", "1e308"][..]),
    );
    let row = prop_oneof![3 => plausible, 1 => messy]
        .prop_map(|(t, i, j, k, v, q)| format!("{t},{i},{j},{k},{v},{q}"));
    (proptest::collection::vec(row, 0..20), any::<bool>()).prop_map(|(rows, crlf)| {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut s = format!("t,i,j,k,v,q{eol}");
        for r in rows {
            s.push_str(&r);
            s.push_str(eol);
        }
        s
    })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(bytes).expect("write to memory");
    enc.finish().expect("finish gzip in memory")
}

fn all_importers(input: &[u8]) {
    let map = CommodityMap::embedded().expect("embedded commodity map");
    with_contexts(|ctx| {
        let _ = read_baci("fuzz", input, ctx, &BaciFilter::default(), &mut |_| {});
        let _ = read_cepii(
            "fuzz",
            input,
            &release(),
            cepii_codes(),
            ctx,
            &BaciFilter::default(),
            &mut |_| {},
        );
        let _ = read_wgi_wide("fuzz", input, ctx);
        let _ = read_political_stability("fuzz", input, ctx);
        let _ = usgs::import("fuzz", input, ctx, &map);
        let _ = wmd::import("fuzz", input, ctx, &map);
        let _ = iea::import_iea_extract("fuzz", input, ctx);
        let _ = iea::import_iea_workbook_reader("fuzz", input, ctx);
        let _ = import_bleecam_capacity("fuzz", input, "gallium", alpha2(), ctx);
        let _ = import_eu_factsheet_shares("fuzz", input, ctx);
        let nir_map = usgs_nir::commodities(ctx).expect("embedded NIR commodity table");
        let _ = usgs_nir::import("fuzz", input, ctx, &nir_map);
        let _ = usgs_nir::commodities_from_reader("fuzz", input, ctx);
    });
    let groups = reference::groups(resolver()).expect("embedded groups");
    let valid = reference::RESTRICTIONS_CSV.as_bytes();
    let no_suspensions = "id,measures,start,end,summary,source_url\n".as_bytes();
    let _ = reference::restrictions_from_readers(
        "fuzz",
        input,
        "fuzz",
        no_suspensions,
        resolver(),
        minerals(),
        &groups,
    );
    let _ = reference::restrictions_from_readers(
        "valid",
        valid,
        "fuzz",
        input,
        resolver(),
        minerals(),
        &groups,
    );
    let _ = reference::groups_from_readers("fuzz", input, "fuzz", input, resolver());
    let _ = reference::sources_from_reader("fuzz", input);
    let _ = reference::minerals_from_readers("fuzz", input, "fuzz", input);
    let _ = reference::eol_rir_from_commodity_map("fuzz", input);
    let _ = CommodityMap::from_reader("fuzz", input);
    let _ = CountryCodes::read("fuzz", input);
    let text = String::from_utf8_lossy(input);
    let _ = FileName::parse(&text);
    let _ = text.parse::<HsRevision>();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        all_importers(&bytes);
    }

    #[test]
    fn csv_shaped_text_never_panics(text in csv_text()) {
        all_importers(text.as_bytes());
    }

    #[test]
    fn plausible_baci_rows_never_panic(text in baci_text(), filter_years in any::<bool>()) {
        let year = |y: u16| Year::try_from(y).unwrap();
        let filter = BaciFilter {
            hs: None,
            years: filter_years.then(|| (year(2000), year(2030))),
        };
        with_contexts(|ctx| {
            let _ = read_baci("fuzz", text.as_bytes(), ctx, &filter, &mut |_| {});
        });
    }

    #[test]
    fn plausible_cepii_rows_never_panic(text in cepii_text(), filter in any::<(bool, bool)>()) {
        let year = |y: u16| Year::try_from(y).unwrap();
        let filter = BaciFilter {
            hs: filter.0.then(|| [HsCode::try_from(283691u32).unwrap()].into_iter().collect()),
            years: filter.1.then(|| (year(2000), year(2030))),
        };
        with_contexts(|ctx| {
            let _ = read_cepii("fuzz", text.as_bytes(), &release(), cepii_codes(), ctx, &filter, &mut |_| {});
        });
    }

    #[test]
    fn damaged_gzip_never_panics(
        text in csv_text(),
        cut in 0.0f64..1.0,
        flip in any::<(usize, u8)>(),
    ) {
        let mut gz = gzip(text.as_bytes());
        let keep = ((gz.len() as f64) * cut) as usize;
        gz.truncate(keep.max(2));
        let at = 2 + flip.0 % gz.len().saturating_sub(2).max(1);
        if let Some(b) = gz.get_mut(at) {
            *b ^= flip.1;
        }
        with_contexts(|ctx| {
            let filter = BaciFilter::default();
            let _ = read_baci("fuzz.gz", gz.as_slice(), ctx, &filter, &mut |_| {});
            let _ = read_cepii("fuzz.gz", gz.as_slice(), &release(), cepii_codes(), ctx, &filter, &mut |_| {});
        });
    }
}
