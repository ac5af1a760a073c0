"""Which column of an uploaded file holds which field of a customer or of its first contact.

A header is recognised by its folded text in Chinese or English (名称, 客户名称, Name …);
the person can change every column's field before importing."""

import functools

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from customers.normalize import fold

# field: (label, header names that mean it). Customer fields, then the first contact's.
FIELDS = {
    "name": (
        _("Customer name"),
        (
            "名称",
            "客户名称",
            "客户",
            "公司名称",
            "公司",
            "name",
            "customer",
            "customer name",
            "company",
            "company name",
        ),
    ),
    "category": (_("Category"), ("种类", "类别", "客户种类", "客户类别", "category", "type")),
    "industry": (_("Industry"), ("行业", "所属行业", "industry")),
    "source": (_("Source"), ("来源", "客户来源", "source", "lead source")),
    "region": (_("Region"), ("地区", "区域", "省份", "region", "area")),
    "address": (_("Address"), ("地址", "address")),
    "phone": (_("Phone"), ("电话", "公司电话", "座机", "phone", "telephone", "tel")),
    "website": (_("Website"), ("网址", "网站", "主页", "website", "web", "url")),
    "notes": (_("Notes"), ("备注", "说明", "notes", "note", "remarks", "comment")),
    "contact_name": (
        _("Contact name"),
        ("联系人", "联系人姓名", "姓名", "contact", "contact name"),
    ),
    "contact_title": (_("Contact title"), ("职务", "职位", "title", "job title", "position")),
    "contact_mobile": (
        _("Contact mobile"),
        ("手机", "手机号", "移动电话", "mobile", "cell", "cell phone"),
    ),
    "contact_email": (_("Contact email"), ("邮箱", "电子邮件", "email", "e-mail", "mail")),
}
DICTIONARY_FIELDS = ("category", "industry", "source", "region")
CUSTOMER_FIELDS = ("name", "address", "phone", "website", "notes", *DICTIONARY_FIELDS)
CONTACT_FIELDS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_mobile": "mobile",
    "contact_email": "email",
}


@functools.cache
def known_headers():
    """{folded header: field}: the aliases above, and the headers of our own exports in
    every language (an export imports again as it is, SPEC B2)."""
    from .exporting import PRIVATE_COLUMNS, PUBLIC_COLUMNS

    known = {fold(alias): field for field, (_label, aliases) in FIELDS.items() for alias in aliases}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for field, label, _value in (*PUBLIC_COLUMNS, *PRIVATE_COLUMNS):
                if field in FIELDS:
                    known.setdefault(fold(str(label)), field)
            for field, (label, _aliases) in FIELDS.items():
                known.setdefault(fold(str(label)), field)
    return known


def choices():
    return [("", _("— not imported —"))] + [(field, label) for field, (label, _a) in FIELDS.items()]


def guess(header):
    """The field of each column, "" where none is recognised; each field at most once."""
    mapping, taken = [], set()
    for title in header:
        field = known_headers().get(fold(title), "")
        if field in taken:
            field = ""
        taken.add(field)
        mapping.append(field)
    return mapping
