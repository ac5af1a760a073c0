import pytest

from customers.normalize import fold, name_key


@pytest.mark.parametrize(
    "a, b",
    [
        ("ABC Co., Ltd.", "abc"),
        ("ＡＢＣ有限公司", "abc"),
        ("北京华为技术有限公司", "北京 华为技术 股份有限公司"),
        ("Acme Robotics, Inc.", "ACME ROBOTICS"),
        ("阿里巴巴（中国）", "阿里巴巴(中国)"),
        ("  Blue   River  ", "blue-river"),
    ],
)
def test_same_customer_same_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    "a, b",
    [("Disco", "Dis Co."), ("华为", "华为科技"), ("公司", "有限公司"), ("Acme", "Acme Robotics")],
)
def test_different_customers_different_keys(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize("name", ["有限公司", "公司", "Co., Ltd.", "Inc", "集团股份"])
def test_a_name_of_suffixes_only_keeps_a_key(name):
    assert name_key(name) != ""


def test_fold_is_width_and_case_insensitive():
    assert fold("ＡＢＣ Ｄｅｆ") == "abc def"
