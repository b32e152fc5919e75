// One language at a time: Chinese (the default) or English, switched by the
// header button and remembered in localStorage (a preference, not member data).
//
// The page's HTML carries both, `中文 <span lang="en">English</span>`; at start
// the Chinese text beside each English span is wrapped in `<span lang="zh-CN">`,
// and `html[data-ui]` hides the other language (display: none also keeps it out
// of accessible names). Options carry `data-en`. Text made in JS comes from `t`.

const KEY = 'jifen-admin-lang';
let lang = 'zh';
try { lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'zh'; } catch { /* no storage: Chinese */ }
const listeners = [];

/** The current language: "zh" or "en". */
export const current = () => lang;

/** `zh` or `en`, whichever is current. */
export const t = (zh, en) => (lang === 'en' ? en : zh);

/** Calls `fn` after every switch (to redraw text made in JS). */
export const onSwitch = (fn) => listeners.push(fn);

/** Wraps the Chinese text beside every `span[lang=en]` in `root`, once. */
export function splitBilingual(root = document.body) {
  for (const en of root.querySelectorAll('span[lang="en"]')) {
    const parent = en.parentElement;
    if (!parent || parent.dataset.split) continue;
    parent.dataset.split = '1';
    for (const node of [...parent.childNodes]) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
        const zh = document.createElement('span');
        zh.lang = 'zh-CN';
        zh.textContent = node.textContent.trim();
        node.replaceWith(zh);
      }
    }
  }
  for (const o of root.querySelectorAll('option[data-en], optgroup[data-en]')) {
    o.dataset.zh ??= o.tagName === 'OPTGROUP' ? o.label : o.textContent;
  }
}

function apply() {
  const html = document.documentElement;
  html.dataset.ui = lang;
  html.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const o of document.querySelectorAll('option[data-en], optgroup[data-en]')) {
    const text = lang === 'en' ? o.dataset.en : o.dataset.zh;
    if (o.tagName === 'OPTGROUP') o.label = text; else o.textContent = text;
  }
  for (const el of document.querySelectorAll('[data-placeholder-en]')) {
    el.dataset.placeholderZh ??= el.placeholder;
    el.placeholder = lang === 'en' ? el.dataset.placeholderEn : el.dataset.placeholderZh;
  }
}

/** Sets the language and redraws. */
export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  try { localStorage.setItem(KEY, lang); } catch { /* kept for this page only */ }
  apply();
  for (const fn of listeners) fn(lang);
}

/** Call once the page's HTML is in. */
export function startI18n() {
  splitBilingual();
  apply();
}

/** Both languages as two spans; the page's CSS shows the current one (no redraw needed on a switch). */
export function bi(zh, en) {
  const f = document.createDocumentFragment();
  const a = document.createElement('span');
  a.lang = 'zh-CN';
  a.textContent = zh;
  const b = document.createElement('span');
  b.lang = 'en';
  b.textContent = en;
  f.append(a, b);
  return f;
}

/** Options and optgroups made in JS with data-zh / data-en: labelled in the current language. */
export function relabel() { apply(); }
