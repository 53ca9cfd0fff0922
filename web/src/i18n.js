// The interface's words in English and Arabic. Data (places, notes, source
// text) is shown as stored; only the page's own words are translated here.

export const LANGUAGES = ['en', 'ar'];

const WORDS = {
  en: {
    title: 'Syria incident map',
    switchLanguage: 'العربية',
    switchLanguageLabel: 'Switch the interface to Arabic',
    loading: 'Loading…',
    loadingIncidents: 'Loading incidents…',
    shown: (n) => `${n} incident${n === '1' ? '' : 's'}`,
    shownOf: (n, m) => `showing ${n} of ${m} matching incidents — narrow the filters to see all`,
    tiled: (m) => `${m} matching incidents, grouped by area — zoom in to see each one`,
    noIncidents: 'No incidents loaded.',
    filters: 'Filters',
    governorate: 'Governorate',
    allSyria: 'All Syria',
    area: 'Area',
    drawBox: 'Draw a rectangle',
    drawing: 'Drag on the map… (Esc cancels)',
    inView: 'Only what is in view',
    clearArea: 'Clear area',
    noArea: 'Anywhere',
    dates: 'Dates',
    from: 'From',
    to: 'To',
    clearDates: 'All dates',
    timelineLabel: (unit) => `Incidents per ${unit}. Choose dates by dragging or clicking, or with the arrow keys: `
      + 'Shift with an arrow extends the range, Enter applies it, Escape clears the dates.',
    timelineBar: (span, n) => `${span}: ${n} incident${n === '1' ? '' : 's'}`,
    day: 'day',
    week: 'week',
    eventTypes: 'Event types',
    review: 'Review',
    reviewAll: 'All',
    curated: 'curated',
    extracted: 'extracted',
    reviewCurated: 'Curated (checked by a person)',
    reviewExtracted: 'Extracted (machine-made)',
    reset: 'Reset all filters',
    export: 'Export this selection',
    incidents: 'Incidents',
    moreRows: (n) => `… and ${n} more (narrow the filters to list them)`,
    exact: 'Exact place',
    approximate: 'Approximate place (near it, its district or only the governorate)',
    approximateNote: 'approximate',
    osm: 'OpenStreetMap background (online)',
    date: 'Date',
    event: 'Event',
    actor1: 'Actor 1',
    actor2: 'Actor 2',
    fatalities: 'Fatalities',
    location: 'Place',
    admin1: 'Governorate',
    source: 'Source',
    notes: 'Summary',
    sourceText: 'Source text',
    close: 'Close',
    other: 'Other',
    more: (n) => `${n} more incidents at this place; zoom in or use the list`,
    mapLabel: 'Map of incidents in Syria',
    hidePanel: 'Map',
    showPanel: 'Filters',
  },
  ar: {
    title: 'خريطة الحوادث في سوريا',
    switchLanguage: 'English',
    switchLanguageLabel: 'Switch the interface to English',
    loading: 'جارٍ التحميل…',
    loadingIncidents: 'جارٍ تحميل الحوادث…',
    shown: (n) => `عدد الحوادث: ${n}`,
    shownOf: (n, m) => `تُعرض ${n} من ${m} حادثة مطابقة — ضيّق المرشحات لرؤيتها كلها`,
    tiled: (m) => `${m} حادثة مطابقة، مجمّعة حسب المنطقة — قرّب الخريطة لرؤية كل منها`,
    noIncidents: 'لم تُحمَّل أي حوادث.',
    filters: 'المرشحات',
    governorate: 'المحافظة',
    allSyria: 'كل سوريا',
    area: 'المنطقة',
    drawBox: 'ارسم مستطيلاً',
    drawing: 'اسحب على الخريطة… (Esc للإلغاء)',
    inView: 'ما يظهر في الخريطة فقط',
    clearArea: 'إلغاء المنطقة',
    noArea: 'في أي مكان',
    dates: 'التواريخ',
    from: 'من',
    to: 'إلى',
    clearDates: 'كل التواريخ',
    timelineLabel: (unit) => `عدد الحوادث في كل ${unit}. لاختيار التواريخ اسحب أو انقر، أو استخدم مفاتيح الأسهم: `
      + 'Shift مع السهم يوسّع المدى، وEnter يطبّقه، وEsc يلغي التواريخ.',
    timelineBar: (span, n) => `${span}: عدد الحوادث ${n}`,
    day: 'يوم',
    week: 'أسبوع',
    eventTypes: 'أنواع الأحداث',
    review: 'المراجعة',
    reviewAll: 'الكل',
    curated: 'مُراجَع',
    extracted: 'مستخرَج',
    reviewCurated: 'مُراجَع (دققه شخص)',
    reviewExtracted: 'مستخرَج (آلياً)',
    reset: 'إعادة ضبط كل المرشحات',
    export: 'تصدير هذا التحديد',
    incidents: 'الحوادث',
    moreRows: (n) => `… و${n} أخرى (ضيّق المرشحات لعرضها)`,
    exact: 'مكان دقيق',
    approximate: 'مكان تقريبي (بالقرب منه أو في منطقته أو المحافظة فقط)',
    approximateNote: 'تقريبي',
    osm: 'خلفية OpenStreetMap (عبر الإنترنت)',
    date: 'التاريخ',
    event: 'الحدث',
    actor1: 'الطرف الأول',
    actor2: 'الطرف الثاني',
    fatalities: 'القتلى',
    location: 'المكان',
    admin1: 'المحافظة',
    source: 'المصدر',
    notes: 'الملخص',
    sourceText: 'النص الأصلي',
    close: 'إغلاق',
    other: 'أخرى',
    more: (n) => `${n} حوادث أخرى في هذا المكان؛ قرّب الخريطة أو استخدم القائمة`,
    mapLabel: 'خريطة الحوادث في سوريا',
    hidePanel: 'الخريطة',
    showPanel: 'المرشحات',
  },
};

// ACLED's six event types, their colours, and their names in Arabic.
export const EVENT_TYPES = [
  { id: 'Battles', colour: '#d62728', ar: 'معارك' },
  { id: 'Explosions/Remote violence', colour: '#ff7f0e', ar: 'انفجارات / عنف عن بُعد' },
  { id: 'Violence against civilians', colour: '#9467bd', ar: 'عنف ضد المدنيين' },
  { id: 'Protests', colour: '#2ca02c', ar: 'احتجاجات' },
  { id: 'Riots', colour: '#8c564b', ar: 'أعمال شغب' },
  { id: 'Strategic developments', colour: '#1f77b4', ar: 'تطورات استراتيجية' },
];
export const OTHER_COLOUR = '#7f7f7f';

// The rest of ACLED's taxonomy (src/incidents/taxonomy.rs) in Arabic, for display only:
// filters, URLs and data keep ACLED's English names.
const SUB_EVENT_TYPES_AR = {
  // Battles
  'Armed clash': 'اشتباك مسلح',
  'Government regains territory': 'استعادة الحكومة السيطرة على أراضٍ',
  'Non-state actor overtakes territory': 'سيطرة جهة من غير الدول على أراضٍ',
  // Explosions/Remote violence
  'Chemical weapon': 'سلاح كيميائي',
  'Air/drone strike': 'غارة جوية/بطائرة مسيّرة',
  'Suicide bomb': 'تفجير انتحاري',
  'Shelling/artillery/missile attack': 'قصف مدفعي/صاروخي',
  'Remote explosive/landmine/IED': 'عبوة ناسفة/لغم',
  Grenade: 'قنبلة يدوية',
  // Violence against civilians
  'Sexual violence': 'عنف جنسي',
  Attack: 'هجوم',
  'Abduction/forced disappearance': 'اختطاف/إخفاء قسري',
  // Protests
  'Peaceful protest': 'احتجاج سلمي',
  'Protest with intervention': 'احتجاج مع تدخّل',
  'Excessive force against protesters': 'استخدام القوة المفرطة ضد المحتجين',
  // Riots
  'Violent demonstration': 'مظاهرة عنيفة',
  'Mob violence': 'عنف جماعي',
  // Strategic developments
  Agreement: 'اتفاق',
  Arrests: 'اعتقالات',
  'Change to group/activity': 'تغيّر في جماعة/نشاط',
  'Disrupted weapons use': 'تعطيل أسلحة',
  'Headquarters or base established': 'إنشاء مقر أو قاعدة',
  'Looting/property destruction': 'نهب/تدمير ممتلكات',
  'Non-violent transfer of territory': 'انتقال السيطرة على أراضٍ دون عنف',
  Other: 'أخرى',
};
const DISORDER_TYPES_AR = {
  'Political violence': 'عنف سياسي',
  Demonstrations: 'مظاهرات',
  'Strategic developments': 'تطورات استراتيجية',
  'Political violence; Demonstrations': 'عنف سياسي؛ مظاهرات',
};

let current = 'en';

export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : 'en';
}

export function language() {
  return current;
}

/** The word `key` in the current language; functions are called with `args`. */
export function t(key, ...args) {
  const word = WORDS[current][key] ?? WORDS.en[key] ?? key;
  return typeof word === 'function' ? word(...args) : word;
}

/** An event type's name in the current language. */
export function eventTypeName(id) {
  if (current === 'ar') {
    const known = EVENT_TYPES.find((e) => e.id === id);
    if (known) return known.ar;
  }
  return id;
}

/** The Arabic name in `table` when the interface is Arabic and ACLED's name is known; ACLED's name otherwise. */
function fromTable(table, id) {
  return current === 'ar' && Object.hasOwn(table, id) ? table[id] : id;
}

/** A sub-event type's name in the current language. */
export function subEventTypeName(id) {
  return fromTable(SUB_EVENT_TYPES_AR, id);
}

/** A disorder type's name in the current language. */
export function disorderTypeName(id) {
  return fromTable(DISORDER_TYPES_AR, id);
}

/** A number written in the current language. */
export function number(n) {
  return Number(n).toLocaleString(current === 'ar' ? 'ar' : 'en');
}
