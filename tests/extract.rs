//! Extraction quality and robustness: the eval table on the seed and the evaluation reports
//! (printed, and held to its thresholds), phrasings the reports do not use, what is not an
//! incident in Syria, and any UTF-8 input finishing fast without a panic (proptest).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use incident_map::extract::{eval, ExtractError, Extractor, MAX_ARTICLE_BYTES};
use incident_map::gazetteer::Gazetteer;
use proptest::prelude::*;

fn setup() -> (Gazetteer, Extractor) {
    let gz = Gazetteer::embedded().expect("gazetteer");
    let ex = Extractor::new(&gz);
    (gz, ex)
}

#[test]
fn eval_table_meets_the_thresholds() {
    let (gz, ex) = setup();
    let cases = eval::builtin(&gz).expect("gold files load");
    let reports: Vec<_> = cases.iter().map(|c| eval::evaluate(&ex, &gz, c)).collect();
    println!("{}", eval::table(&reports));
    assert_eq!(reports.len(), 10);
    for r in &reports {
        // every gold incident found (one may be missed in the two reports written blind to the
        // rules and kept as they first ran; the three written blind later, whose first run led
        // to general rules, must all be found), at most one spurious located incident
        let kept_as_first_run = r.name.contains("blind.txt");
        let allowed_misses = usize::from(kept_as_first_run);
        assert!(
            r.missed() <= allowed_misses,
            "{}: missed incidents\n{}",
            r.name,
            eval::table(&reports)
        );
        assert!(r.spurious.len() <= 1, "{}: {:?}", r.name, r.spurious);
        let found = r.found();
        assert_eq!(r.place_ok(), found, "{}: places", r.name);
        // dates, types and figures may be wrong for at most one incident per report
        assert!(r.date_ok() + 1 >= found, "{}: dates", r.name);
        assert!(r.type_ok() + 1 >= found, "{}: types", r.name);
        assert!(r.fatalities_ok() + 1 >= found, "{}: fatalities", r.name);
    }
}

/// (location, event_date, event_date_end, time_precision, sub_event_type, fatalities)
type Summary = (String, String, Option<String>, u8, String, u32);

fn summarise(text: &str, published: Option<&str>) -> Vec<Summary> {
    let (gz, ex) = setup();
    let published = published.map(|p| p.parse().expect("date"));
    ex.extract(&gz, text, published)
        .expect("extract")
        .proposals
        .into_iter()
        .map(|p| {
            let i = p.incident;
            (
                i.place_id,
                i.event_date.to_string(),
                i.event_date_end.map(|d| d.to_string()),
                i.time_precision,
                i.sub_event_type,
                i.fatalities,
            )
        })
        .collect()
}

fn one(place: &str, date: &str, end: Option<&str>, tp: u8, sub: &str, f: u32) -> Summary {
    (
        place.into(),
        date.into(),
        end.map(str::to_string),
        tp,
        sub.into(),
        f,
    )
}

#[test]
fn other_phrasings_of_dates_places_and_types() {
    // Syrian month names with Eastern digits, "بريف" context, a governorate that is context
    assert_eq!(
        summarise(
            "في ١٢ آذار ٢٠٢٦ اعتقلت قوى الأمن الداخلي ثلاثة مطلوبين في مدينة الباب بريف حلب الشرقي.",
            None
        ),
        vec![one("geonames:174018", "2026-03-12", None, 1, "Arrests", 0)]
    );
    // an ordinal day and a year from the sentence before
    assert_eq!(
        summarise(
            "بدأت الحملة في شباط 2026. وفي السابع عشر من آذار قُتل أربعة مدنيين بانفجار عبوة ناسفة قرب مدينة منبج.",
            None
        ),
        vec![one("geonames:167357", "2026-03-17", None, 1, "Remote explosive/landmine/IED", 4)]
    );
    // two dates, two places: each place takes the date written before it
    assert_eq!(
        summarise(
            "On 3 May 2026 gunmen attacked a checkpoint in Jasim, and on 5 May they attacked another near Nawa.",
            None
        ),
        vec![
            one("geonames:165997", "2026-05-03", None, 1, "Armed clash", 0),
            one("geonames:166365", "2026-05-05", None, 1, "Armed clash", 0),
        ]
    );
    // an English span and "countryside"
    assert_eq!(
        summarise(
            "Clashes between security forces and gunmen killed three fighters in Jasim, Daraa countryside, between 3 and 5 April 2026.",
            None
        ),
        vec![one("geonames:165997", "2026-04-03", Some("2026-04-05"), 1, "Armed clash", 3)]
    );
    // "yesterday" counts from the publication date; "early" is week precision
    assert_eq!(
        summarise(
            "An air strike hit a house in Binnish yesterday, killing two children.",
            Some("2026-05-10")
        ),
        vec![one(
            "geonames:171451",
            "2026-05-09",
            None,
            1,
            "Air/drone strike",
            2
        )]
    );
    assert_eq!(
        summarise(
            "In early May 2026, Islamic State militants abducted a shepherd near Al-Sukhnah.",
            None
        ),
        vec![one(
            "geonames:172425",
            "2026-05-01",
            None,
            2,
            "Abduction/forced disappearance",
            0
        )]
    );
    // a suicide bomber in English; the lowest figure of two
    assert_eq!(
        summarise(
            "On 9 June 2026 a suicide bomber blew himself up at a checkpoint in Al-Mayadin, killing at least 4 people. Local sources said 6 people were killed.",
            None
        ),
        vec![one("geonames:173480", "2026-06-09", None, 1, "Suicide bomb", 4)]
    );
}

#[test]
fn what_is_not_a_located_incident_in_syria_has_no_point() {
    for text in [
        // a visit abroad, joining the coalition, a background figure, a meeting
        "زار الرئيس السوري واشنطن في العاشر من نوفمبر 2025 والتقى الرئيس الأميركي.",
        "انضمت سوريا إلى التحالف الدولي لمكافحة تنظيم الدولة في 13 نوفمبر 2025.",
        "ويقدر عدد مقاتلي التنظيم في محافظة دير الزور بنحو ثلاثة آلاف مقاتل.",
        "Syria joined the Global Coalition against ISIS on 13 November 2025 in Washington.",
        // an attack abroad
        "On 10 February 2026 an Islamic State attack in Mosul killed four soldiers.",
        // a plan, not an event
        "وكانت الخلية تخطط لشن هجوم في مدينة حمص في 3 مارس 2026.",
        // a trend in the plural
        "Attacks on the army have risen in Deir ez-Zor since 2024.",
        // no date anywhere in the report and no publication date
        "اعتقلت قوى الأمن خلية في مدينة درعا.",
    ] {
        assert_eq!(summarise(text, None), vec![], "{text}");
    }
    // history, even when a publication date would date it
    for text in [
        "Islamic State fighters seized Palmyra in 2015 after heavy fighting with the army.",
        "Last year, a car bomb killed ten people in Manbij.",
        "وكان التنظيم قد سيطر على مدينة تدمر عام 2015 بعد معارك مع الجيش.",
    ] {
        assert_eq!(summarise(text, Some("2026-03-01")), vec![], "{text}");
    }
}

#[test]
fn extracted_ids_are_stable_and_not_curated_ids() {
    use incident_map::extract::ingest::{article_id, incident_id};
    let text = include_str!("../seeds/eval/ar_east_south.txt");
    let id = article_id(text);
    assert_eq!(id, article_id(text));
    let first = incident_id(&id, 0);
    assert!(first.starts_with("ART-") && !first.starts_with("SYR-"));
    assert_ne!(first, incident_id(&id, 1));
}

#[test]
fn limits_are_errors_not_panics() {
    let (gz, ex) = setup();
    assert_eq!(ex.extract(&gz, "", None).unwrap_err(), ExtractError::Empty);
    assert_eq!(
        ex.extract(&gz, " \n\t", None).unwrap_err(),
        ExtractError::Empty
    );
    let big = "a".repeat(MAX_ARTICLE_BYTES + 1);
    assert!(matches!(
        ex.extract(&gz, &big, None),
        Err(ExtractError::TooLarge(_))
    ));
}

/// Budget for one megabyte in the unoptimised test build; a release build is several times
/// faster (see the README).
const MB_BUDGET: Duration = Duration::from_secs(15);

#[test]
fn a_megabyte_of_dense_reports_finishes_in_time() {
    let (gz, ex) = setup();
    let seed = include_str!("../seeds/000_256fd19c77ba421f.txt");
    let mut text = String::new();
    let mut n = 0;
    while text.len() + seed.len() + 20 < MAX_ARTICLE_BYTES {
        // vary the text so the cache of geocoded phrases is not the only thing working
        text.push_str(&format!("في {} نوفمبر 2025، ", 1 + n % 28));
        text.push_str(seed);
        n += 1;
    }
    let started = Instant::now();
    let out = ex.extract(&gz, &text, None).expect("extract");
    let took = started.elapsed();
    println!(
        "{} bytes, {} proposals in {took:?}",
        text.len(),
        out.proposals.len()
    );
    assert!(took < MB_BUDGET, "{took:?}");
    assert!(!out.proposals.is_empty());

    // one megabyte of place names, numbers and event words in a single line
    let words = [
        "في",
        "قرب",
        "دمشق",
        "حلب",
        "قتل",
        "24",
        "نوفمبر",
        "2025",
        "غارة",
        "near",
        "Aleppo",
        "killed",
        "،",
    ];
    let mut text = String::new();
    let mut k = 0usize;
    while text.len() < MAX_ARTICLE_BYTES - 16 {
        text.push_str(words[(k * 7 + k / 13) % words.len()]);
        text.push(' ');
        k += 1;
    }
    let started = Instant::now();
    let _ = ex.extract(&gz, &text, None).expect("extract");
    let took = started.elapsed();
    println!("word soup: {} bytes in {took:?}", text.len());
    assert!(took < MB_BUDGET, "{took:?}");
}

fn arabic_and_latin() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("في ".to_string()),
            Just("قرب مدينة ".to_string()),
            Just("بريف إدلب ".to_string()),
            Just("سراقب ".to_string()),
            Just("24 و27 نوفمبر ".to_string()),
            Just("الثالث عشر من ".to_string()),
            Just("تشرين ".to_string()),
            Just("قُتل ".to_string()),
            Just("near Palmyra, ".to_string()),
            Just("between 3 and ".to_string()),
            Just("mid-".to_string()),
            Just("killed ".to_string()),
            Just(". ".to_string()),
            Just("\n".to_string()),
            Just("٢٤".to_string()),
            "\\PC{0,12}",
            any::<String>(),
        ],
        0..60,
    );
    pieces.prop_map(|v| v.concat())
}

fn shared() -> &'static (Gazetteer, Extractor) {
    static SHARED: OnceLock<(Gazetteer, Extractor)> = OnceLock::new();
    SHARED.get_or_init(setup)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_text_extracts_without_panic(text in arabic_and_latin()) {
        let (gz, ex) = shared();
        let started = Instant::now();
        match ex.extract(gz, &text, None) {
            Ok(out) => {
                for p in &out.proposals {
                    let mut inc = p.incident.clone();
                    inc.id = "ART-test-01".into();
                    prop_assert!(inc.validate().is_ok(), "{:?}", inc.validate());
                    prop_assert!(text.contains(p.evidence.place_phrase.as_str()));
                }
            }
            Err(e) => prop_assert!(text.trim().is_empty(), "{}", e),
        }
        prop_assert!(started.elapsed() < Duration::from_secs(2));
    }
}

#[test]
fn titles_datelines_and_topic_places_are_context() {
    let text = "Two soldiers killed in attack on army post in Deir ez-Zor\n\n\
        DAMASCUS, March 3 (Reuters) - Two Syrian soldiers were killed on Monday when gunmen \
        attacked an army post near the town of al-Mayadin in eastern Deir ez-Zor province.\n\n\
        In Idlib, a landmine exploded in a field in the town of Kafr Nabl on 1 March, wounding a child.\n\
        حلب - سانا: قُتل مدنيان بقصف على بلدة تادف في 2 آذار 2026.";
    let got = summarise(text, Some("2026-03-03"));
    assert_eq!(
        got,
        vec![
            one("geonames:173480", "2026-03-02", None, 1, "Armed clash", 2),
            one(
                "geonames:168661",
                "2026-03-01",
                None,
                1,
                "Remote explosive/landmine/IED",
                0
            ),
            one(
                "geonames:163811",
                "2026-03-02",
                None,
                1,
                "Shelling/artillery/missile attack",
                2
            ),
        ]
    );
}

#[test]
fn readme_shows_the_current_eval_figures() {
    let (gz, ex) = setup();
    let cases = eval::builtin(&gz).expect("gold files load");
    let reports: Vec<_> = cases.iter().map(|c| eval::evaluate(&ex, &gz, c)).collect();
    let readme = include_str!("../README.md");
    for row in eval::table(&reports)
        .lines()
        .filter(|l| l.starts_with("| "))
    {
        assert!(
            readme.contains(row),
            "README.md lacks the eval row (run `incident-map eval` and update it):\n{row}"
        );
    }
}

#[test]
fn the_articles_own_date_counts_when_no_publication_date_is_given() {
    // a dateline with a full date: "yesterday", "this morning", "last Tuesday" count from it
    let text = "تقرير أمني\n\nعنب بلدي – الخميس ١٢ آذار ٢٠٢٦\n\n\
        قُتل مدنيان مساء أمس الأربعاء بانفجار عبوة ناسفة قرب مدينة منبج.\n\n\
        وفي درعا جنوبي سوريا، اندلعت اشتباكات صباح اليوم بين عناصر من الأمن العام ومسلحين في بلدة طفس بريف درعا الغربي، أسفرت عن مقتل عنصر.\n\n\
        وفي السويداء، قُتل شاب برصاص مسلحين مجهولين مساء الثلاثاء الماضي في مدينة شهبا شمالي المحافظة، وكان عائداً من عمله في مدينة السويداء.";
    assert_eq!(
        summarise(text, None),
        vec![
            one(
                "geonames:167357",
                "2026-03-11",
                None,
                1,
                "Remote explosive/landmine/IED",
                2
            ),
            one("geonames:163806", "2026-03-12", None, 1, "Armed clash", 1),
            one("geonames:164626", "2026-03-10", None, 1, "Attack", 1),
        ]
    );
    // an English dateline without a year takes the year of a full date elsewhere
    let text =
        "Roundup\n\nBEIRUT, April 22 (Reuters) - Late on Tuesday, gunmen attacked a checkpoint \
        in the village of Dhiban in rural Deir al-Zor, killing three fighters. On Monday, \
        a roadside bomb exploded near Raqqa, killing two people. The attacks followed a raid \
        on 2 April 2026.";
    let got = summarise(text, None);
    assert_eq!(got[0].1, "2026-04-21", "{got:?}");
    assert_eq!(got[1].1, "2026-04-20", "{got:?}");
    // "early this month", "مطلع الشهر الجاري": the first week of the reference month
    assert_eq!(
        summarise(
            "الأربعاء ٢٠ أيار ٢٠٢٦\n\nوثّق المرصد مقتل راعيين اثنين مطلع الشهر الجاري بانفجار لغم أرضي في بادية بلدة السخنة بريف حمص الشرقي.",
            None
        ),
        vec![one("geonames:172425", "2026-05-01", None, 2, "Remote explosive/landmine/IED", 2)]
    );
    assert_eq!(
        summarise(
            "Islamic State militants abducted a shepherd near Al-Sukhnah late last month.",
            Some("2026-05-20")
        ),
        vec![one(
            "geonames:172425",
            "2026-04-24",
            None,
            2,
            "Abduction/forced disappearance",
            0
        )]
    );
}

#[test]
fn protests_and_foiled_attacks_have_their_own_types() {
    assert_eq!(
        summarise(
            "In the southern city of Suwayda, hundreds of people rallied on 21 April 2026 to demand the release of detainees.",
            None
        ),
        vec![one("geonames:172408", "2026-04-21", None, 1, "Peaceful protest", 0)]
    );
    assert_eq!(
        summarise(
            "نظّم العشرات وقفة احتجاجية في مدينة السلمية في ٣ أيار ٢٠٢٦ للمطالبة بتحسين الخدمات.",
            None
        ),
        vec![one(
            "geonames:164947",
            "2026-05-03",
            None,
            1,
            "Peaceful protest",
            0
        )]
    );
    // a suicide bombing foiled, nobody killed: the interception, not a suicide bomb
    assert_eq!(
        summarise(
            "وفي مدينة الميادين، أحبط عناصر حاجز للأمن العام محاولة تفجير انتحاري في ١٨ أيار ٢٠٢٦ بعد أن اشتبهوا بشاب يرتدي حزاماً ناسفاً.",
            None
        ),
        vec![one("geonames:173480", "2026-05-18", None, 1, "Disrupted weapons use", 0)]
    );
    assert_eq!(
        summarise(
            "Security forces thwarted a car bomb attack in Al-Mayadin on 9 June 2026.",
            None
        ),
        vec![one(
            "geonames:173480",
            "2026-06-09",
            None,
            1,
            "Disrupted weapons use",
            0
        )]
    );
}

#[test]
fn places_named_as_context_or_inside_other_words_are_not_incidents() {
    // the governorate or city of a context phrase, and the topic named again later
    assert_eq!(
        summarise(
            "Security forces arrested four men in the coastal town of Jableh, south of Latakia, on 19 April 2026.",
            None
        ),
        vec![one("geonames:169304", "2026-04-19", None, 1, "Arrests", 0)]
    );
    // `فرقه` "his teams" is not Raqqa, `لبنان` not the village Banān
    assert_eq!(
        summarise(
            "قال الدفاع المدني إن فرقه نقلت المصابين بعد تفجير في ٣ أيار ٢٠٢٦. وأعلن الجيش توقيف ١٥ شخصاً حاولوا الدخول إلى لبنان في ٤ أيار ٢٠٢٦.",
            None
        ),
        vec![]
    );
    // the topic governorate is the context of a place that names none
    let got = summarise(
        "وفي ريف دير الزور الشمالي، قُتل قيادي في ١٧ أيار ٢٠٢٦ بغارة طائرة مسيّرة قرب بلدة الصور.",
        None,
    );
    assert_eq!(
        got,
        vec![one(
            "curated:al-suwar",
            "2026-05-17",
            None,
            1,
            "Air/drone strike",
            1
        )]
    );
}
