"""The Simplified Chinese UI (SPEC B4): the catalog is complete and compiled, every
`{% translate %}` string of the templates is in it, and the pages a salesperson walks show
no English in Chinese and no Chinese in English.

Data made here is ASCII, so any Chinese on an English page, or any English sentence of the
catalog on a Chinese page, comes from the UI, not from the data."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from customers.models import Contact, Customer, SocialRelation
from customers.services import contacts, details, ownership
from customers.views.records import CustomerDetailView
from org.models import Department, User
from records import registry
from settings_app.models import DictionaryItem

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
ZH, EN = "zh-hans", "en"

# %(name)s, %s, %d and {name}: what Python fills in, so a translation must keep each one.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


# --- A tiny .po reader -----------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    line: int
    context: str | None = None
    plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # None (singular) or plural index → text
    flags: set = field(default_factory=set)

    @property
    def key(self):
        """The key Python's gettext gives this message in a compiled catalog."""
        return f"{self.context}\x04{self.msgid}" if self.context is not None else self.msgid

    def __str__(self):
        where = f" (msgctxt {self.context!r})" if self.context is not None else ""
        return f"line {self.line}: {self.msgid!r}{where}"


def read_po(path=PO_PATH):
    """Entries of a .po file, header included (msgid ""); obsolete `#~` entries skipped."""
    entries, entry, target = [], None, None
    for number, raw in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], 1):
        line = raw.strip()
        if not line:  # a blank line ends an entry
            if entry is not None and target is not None:
                entries.append(entry)
            entry, target = None, None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#"):
            entry = entry or Entry(msgid="", line=number)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(target, str):
                setattr(entry, target, getattr(entry, target) + text)
            else:
                entry.msgstr[target[0]] += text
        else:
            entry = entry or Entry(msgid="", line=number)
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword in ("msgid", "msgctxt", "msgid_plural"):
                target = {"msgctxt": "context", "msgid_plural": "plural"}.get(keyword, keyword)
                setattr(entry, target, text)
                if keyword == "msgid":
                    entry.line = number
            elif keyword == "msgstr" or re.fullmatch(r"msgstr\[\d+\]", keyword):
                index = int(keyword[7:-1]) if "[" in keyword else None
                target = (index,)
                entry.msgstr[index] = text
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def catalog():
    entries = read_po()
    assert entries and entries[0].msgid == "", "the .po has no header"
    return entries[0], entries[1:]


def words(text):
    return re.findall(r"[A-Za-z]+", PLACEHOLDER.sub(" ", text))


# --- The catalog -----------------------------------------------------------------------------


def test_every_message_is_translated_and_none_is_fuzzy():
    header, entries = catalog()
    assert len(entries) > 100
    headers = header.msgstr[None]
    assert "Plural-Forms: nplurals=1; plural=0;" in headers
    assert "Content-Type: text/plain; charset=UTF-8" in headers
    problems = []
    for entry in [header, *entries]:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (Django ignores it): {entry}")
    for entry in entries:
        expected = {0} if entry.plural is not None else {None}
        if set(entry.msgstr) != expected:
            problems.append(f"expected msgstr forms {expected}, found {set(entry.msgstr)}: {entry}")
        for text in entry.msgstr.values():
            if not text.strip():
                problems.append(f"untranslated: {entry}")
            elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                problems.append(f"placeholders differ in {text!r}: {entry}")
            elif words(entry.msgid) and not CJK.search(text) and text == entry.msgid:
                problems.append(f"translation is the English text: {entry}")
    assert not problems, "\n".join(problems)


def test_compiled_catalog_matches_the_po_file():
    """The committed .mo is what compilemessages makes of the .po today: same messages,
    same translations (a machine without gettext tools uses the .mo as it is)."""
    _, entries = catalog()
    expected = {}
    for entry in entries:
        if entry.plural is None:
            expected[entry.key] = entry.msgstr[None]
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    with MO_PATH.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)
    stale = sorted(str(k) for k in expected.keys() - compiled.keys())
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    changed = sorted(
        str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k]
    )
    assert not (stale or extra or changed), (
        "locale/zh_Hans/LC_MESSAGES/django.mo is out of date; run "
        "`manage.py compilemessages --ignore=.venv`.\n"
        f"missing from .mo: {stale}\nonly in .mo: {extra}\ntranslated differently: {changed}"
    )


TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<context>.*?)(?P=cq))?[^%]*%\}"""
)


def template_files():
    roots = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    roots += [p for p in Path(settings.BASE_DIR).glob("*/templates") if p.is_dir()]
    skip = {".venv", "var", "test-artifacts"}
    return sorted(
        path
        for root in roots
        for path in root.rglob("*.html")
        if not skip & set(path.relative_to(settings.BASE_DIR).parts)
    )


def test_every_translate_tag_of_the_templates_is_in_the_catalog():
    """A page added after the last makemessages would otherwise show English in Chinese."""
    _, entries = catalog()
    known = {(e.context, e.msgid) for e in entries}
    files = template_files()
    assert any(p.name == "base.html" for p in files)
    missing = [
        f"{path.relative_to(settings.BASE_DIR)}: {m['msgid']!r}"
        for path in files
        for m in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8"))
        # makemessages doubles % in template strings, as {% translate %} expects.
        if (m["context"], m["msgid"].replace("%", "%%")) not in known
    ]
    assert not missing, "not in the catalog; run makemessages and translate:\n" + "\n".join(missing)


# --- What a person sees ---------------------------------------------------------------------


class VisibleText(HTMLParser):
    """Text nodes outside <script>/<style>, plus the attributes a person reads (tooltips,
    placeholders, confirmation prompts, labels for screen readers)."""

    HIDDEN = {"script", "style", "template"}
    READABLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "data-confirm", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts += [v for k, v in attrs if k in self.READABLE_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data)

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        parser.close()
        # One line per text node, whitespace folded, so a pattern never spans two nodes.
        return "\n".join(" ".join(part.split()) for part in parser.parts)


def english_pattern(msgid):
    """The msgid as shown, its placeholders filled with anything on the same line."""
    pieces = [re.escape(" ".join(p.split())) for p in PLACEHOLDER.split(msgid)]
    body = r"[^\n]+?".join(pieces)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])")


def english_sentences(entries):
    """Catalog messages of two words or more: single words could be data."""
    return {
        text: english_pattern(text)
        for entry in entries
        for text in filter(None, (entry.msgid, entry.plural))
        if len(words(text)) >= 2
    }


def untranslated(text, sentences):
    return sorted(msgid for msgid, pattern in sentences.items() if pattern.search(text))


def data_strings():
    """Every text the database could put on a page in this test (all of it ASCII)."""
    rows = [
        Customer.objects.values_list("name", "notes", "address", "website", "phone"),
        Contact.objects.values_list("name", "title", "notes", "email", "mobile", "phone"),
        SocialRelation.objects.values_list("person_name", "notes"),
        DictionaryItem.objects.values_list("name"),
        Department.objects.values_list("name"),
        User.objects.values_list("username", "display_name", "first_name", "last_name"),
    ]
    return sorted({v for q in rows for row in q for v in row if v}, key=len, reverse=True)


def stray_english(text, data):
    """Runs of two or more English words left once the data is taken out: UI text that
    the catalog does not know (a literal string a template forgot to translate)."""
    found = set()
    for line in text.splitlines():
        for value in data:
            line = line.replace(value, "\n")
        found |= set(re.findall(r"[A-Za-z]+(?:[ '’-]+[A-Za-z]+)+", line))
    return sorted(found)


def chinese_in(text, entries):
    """Catalog translations found in the text, and any other run of Chinese characters
    (the language picker names its languages in their own script, so those are allowed)."""
    translations = {t for e in entries for t in e.msgstr.values() if CJK.search(t)}
    rest = text
    for _code, name in settings.LANGUAGES:
        rest = rest.replace(name, "")
    found = sorted(t for t in translations if t in rest)
    return found + sorted(set(CJK.findall(rest)) - set(found))


def test_the_page_check_catches_an_untranslated_string():
    """The page check can fail: a literal English string in a template is reported, its
    {% translate %} twin is not, and Chinese on an English page is reported."""
    _, entries = catalog()
    sentences = english_sentences(entries)
    source = (
        '{% load i18n %}<p>Print list</p><p title="Check for duplicates">'
        '{% translate "Combined query" %}</p><script>var s = "Open full record";</script>'
    )
    with translation.override(ZH):
        html = Template(source).render(Context())
    text = VisibleText.of(html)
    assert untranslated(text, sentences) == ["Check for duplicates", "Print list"]
    assert "组合查询" in text and "Open full record" not in text
    assert untranslated(VisibleText.of("<p>第 1 页，共 3 页</p>"), sentences) == []
    assert untranslated(VisibleText.of("<p>Page 1 of 3</p>"), sentences) == [
        "Page %(number)s of %(total)s"
    ]
    assert stray_english("客户池\nRep Li 已领用\nCreate opportunity", ["Rep Li"]) == [
        "Create opportunity"
    ]
    assert chinese_in(VisibleText.of("<p>Refresh 刷新</p><option>简体中文</option>"), entries) == [
        "刷新"
    ]


@pytest.fixture
def world(company):
    """One customer of each kind a page shows, every name in ASCII."""
    vip = DictionaryItem.objects.create(kind="category", name="VIP")
    north = DictionaryItem.objects.create(kind="region", name="North")
    friend = DictionaryItem.objects.create(kind="relation", name="Friend")
    with translation.override(EN):
        acme = ownership.create(
            company.rep,
            {"name": "Acme Trading", "category": vip, "region": north, "phone": "010-5550"},
            claim=True,
        )
        details.update(company.rep, acme, {"notes": "Met at a fair", "phone": "010-5551"})
        alice = contacts.add(
            company.rep, acme, {"name": "Alice Wong", "mobile": "13900000001", "is_primary": True}
        )
        contacts.add(company.rep, acme, {"name": "Bob Lee", "title": "CTO"})
        contacts.add_relation(
            company.rep, acme, alice, {"relation_type": friend, "person_name": "Carl Po"}
        )
        ownership.share(company.rep, [acme.pk], users=[company.deputy])
        ownership.share(company.rep, [acme.pk], departments=[company.support])
        free = ownership.create(company.marketer, {"name": "Bolt Labs", "category": vip})
        gone = ownership.create(company.marketer, {"name": "Gone Works"})
        ownership.delete(company.marketer, [gone.pk])
    return {"acme": acme, "alice": alice, "free": free}


def pages(company, world):
    """(who, url, expected status, words a Chinese rendering must show)."""
    acme, alice, free = world["acme"].pk, world["alice"].pk, world["free"].pk
    nav = ("客户池", "我的客户", "共享客户")
    rep, manager = company.rep, company.manager
    walk = [
        (None, "/login/", 200, ("登录", "用户名", "密码")),
        (rep, "/pool/", 200, (*nav, "新建并领用", "领用", "收回", "组合查询", "刷新", "打印列表")),
        (rep, f"/pool/{free}/", 200, (*nav, "公开信息", "未领用")),
        (rep, f"/pool/{acme}/", 200, (*nav, "公开信息", "已领用", "查看完整资料")),
        (rep, "/mine/", 200, (*nav, "归还", "共享", "指派", "主联系人")),
        (rep, "/mine/?category=999999", 200, (*nav,)),
        (manager, "/shared/", 200, (*nav, "下属的客户", "全部", "收回")),
        (manager, "/shared/?scope=subordinates", 200, (*nav, "下属的客户")),
        (company.marketer, "/recycle-bin/", 200, (*nav, "回收站", "恢复")),
        (rep, "/recycle-bin/", 403, (*nav, "回收站", "返回客户池")),
        (rep, "/customers/new/?claim=1", 200, (*nav, "新建客户", "同名检查", "保存并新建")),
        (rep, "/customers/new/?claim=0", 200, (*nav, "未领用")),
        (rep, f"/customers/{acme}/edit/", 200, (*nav, "编辑", "保存", "取消")),
        (company.deputy, f"/customers/{acme}/edit/", 403, (*nav, "共享客户为只读")),
        (rep, f"/customers/{acme}/contacts/{alice}/", 200, (*nav, "社会关系", "姓名")),
        (company.deputy, f"/customers/{acme}/contacts/{alice}/", 200, (*nav, "社会关系")),
        (rep, "/customers/duplicates/?name=x", 200, (*nav, "同名检查", "没有客户")),
        (rep, "/customers/duplicates/?name=acme", 200, (*nav, "客户名称", "已领用")),
        (rep, f"/customers/{acme}/print/", 200, ("打印", "联系人", "主联系人")),
        (rep, "/pool/?print=1", 200, ("客户池", "打印", "共 ")),
        (rep, "/mine/?print=1", 200, ("我的客户", "主联系人")),
        (company.deputy, f"/customers/{acme}/", 200, (*nav, "只读")),
    ]
    tab_words = {
        "info": ("基本信息", "种类", "地区"),
        "contacts": ("联系人", "设为主联系人", "新建联系人"),
        "shares": ("共享对象", "取消共享", "部门"),
        "history": ("新建并领用", "已共享", "备注"),
    }
    view = CustomerDetailView()
    tabs = dict(view.get_tabs() if hasattr(view, "get_tabs") else view.tabs)
    assert set(tab_words) <= set(tabs)
    for tab in tabs:
        expected = (*nav, *tab_words.get(tab, ()))
        walk.append((rep, f"/customers/{acme}/?tab={tab}", 200, expected))
    # The working-record modules (SPEC §9): their list pages and new-record forms.
    walk.append((rep, "/schedule/", 200, (*nav, "我的日程")))
    for module in registry.modules():
        walk.append((rep, f"/records/{module.key}/", 200, nav))
        walk.append((rep, f"/customers/{acme}/{module.key}/new/", 200, (*nav, "保存", "取消")))
    return walk


def render(client, user, url, language, status, *, sign_in=True):
    if sign_in:
        client.logout()
        if user is not None:
            client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status, f"{url} as {user}: {response.status_code}"
    html = response.content.decode()
    assert f'<html lang="{language}"' in html, f"{url}: page not in {language}"
    return VisibleText.of(html)


def batch_result(client, company, world, language):
    """A refused batch action: its per-record reasons are shown on the next page."""
    client.force_login(company.peer)
    response = client.post(
        "/customers/batch/",
        {"action": "claim", "ids": [world["acme"].pk, 99999999], "next": "/pool/"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code in (302, 303)
    return render(client, company.peer, "/pool/", language, 200, sign_in=False)


@pytest.mark.django_db
def test_chinese_pages_show_no_english_ui(client, company, world):
    _, entries = catalog()
    sentences = english_sentences(entries)
    problems = []
    walk = pages(company, world)
    data = data_strings()
    for user, url, status, expected in walk:
        text = render(client, user, url, ZH, status)
        missing = [w for w in expected if w not in text]
        if missing:
            problems.append(f"{url}: expected {missing} in the Chinese page")
        english = untranslated(text, sentences)
        if english:
            problems.append(f"{url}: English on the Chinese page: {english}")
        stray = stray_english(text, data)
        if stray:
            problems.append(f"{url}: English not in the catalog on the Chinese page: {stray}")
    text = batch_result(client, company, world, ZH)
    for expected in ("领用", "0 个成功", "2 个被拒绝", "已被 Rep Li 领用。", "客户不存在。"):
        if expected not in text:
            problems.append(f"batch result: expected {expected!r}")
    problems += [f"batch result: English {m!r}" for m in untranslated(text, sentences)]
    problems += [f"batch result: English {m!r}" for m in stray_english(text, data)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_english_pages_show_no_chinese(client, company, world):
    _, entries = catalog()
    problems = []
    for user, url, status, _expected in pages(company, world):
        text = render(client, user, url, EN, status)
        chinese = chinese_in(text, entries)
        if chinese:
            problems.append(f"{url}: Chinese on the English page: {chinese}")
    text = batch_result(client, company, world, EN)
    assert "Already claimed by Rep Li." in text and "No such customer." in text
    problems += [f"batch result: Chinese {c!r}" for c in chinese_in(text, entries)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_api_errors_follow_the_request_language(company, api):
    """Id fields are built at import time; their messages still follow the request."""
    client = api(company.rep)
    body = {"ids": [1], "to": [99999999]}
    zh = client.post("/api/customers/assign/", body, HTTP_ACCEPT_LANGUAGE=ZH)
    en = client.post("/api/customers/assign/", body, HTTP_ACCEPT_LANGUAGE=EN)
    assert zh.status_code == en.status_code == 400
    assert "不存在编号为 99999999 的有效用户。" in str(zh.json())
    assert "No active user with id 99999999." in str(en.json())
