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
    timelineLabel: (unit) => `Incidents per ${unit}; drag or click to choose dates`,
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
    timelineLabel: (unit) => `عدد الحوادث في كل ${unit}؛ اسحب أو انقر لاختيار التواريخ`,
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

/** A number written in the current language. */
export function number(n) {
  return Number(n).toLocaleString(current === 'ar' ? 'ar' : 'en');
}
