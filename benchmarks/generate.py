"""A seeded synthetic company for the benchmark, loaded fast with raw bulk inserts.

500 people in 25 departments under a 5-level supervisor tree, the data dictionary, `size`
customers (2/3 Chinese names built so that 有限公司 is in most of them, 1/3 Latin),
1.5 × size contacts (exactly one primary per customer that has contacts), ~30 % claimed,
5 % × size shares, one salesperson owning 2,000 customers and one supervisor with 200+
people below. The derived columns are filled exactly as the models compute them
(customers.normalize.name_key / fold / sort_name), so the app reads the data as its own.

Run through `make bench` (benchmarks/run.py); `generate()` also works on the default
connection of a test database, which is how the smoke test uses it.
"""

import argparse
import datetime
import os
import random
import secrets
import sqlite3
import sys
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

GENERATOR_VERSION = "7"  # 7: the customer's pool (issue 17)
DEFAULT_SEED = 20_261_201
META_TABLE = "benchmark_dataset"
ROOT = Path(__file__).resolve().parent.parent
BENCH_PASSWORD = "poolcrm-bench"


HEAVY_USERNAME = "bench_heavy"  # owns 2,000 customers
SUPERVISOR_USERNAME = "bench_vp1"  # 200+ people below
POOL_MANAGER_USERNAME = "bench_pool_manager"
ADMIN_USERNAME = "bench_admin"
USER_COUNT = 500
HEAVY_CUSTOMERS = 2000
CLAIMED_SHARE = 0.30
DELETED_SHARE = 0.005
SHARES_PER_CUSTOMER = 0.05
YEARS = 5

CITIES = (
    "北京 上海 广州 深圳 杭州 成都 南京 武汉 苏州 西安 重庆 天津 长沙 郑州 青岛 厦门 宁波 合肥 "
    "济南 福州 昆明 沈阳 大连 长春 太原 南昌 南宁 贵阳 兰州 海口 无锡 佛山 东莞 珠海 温州 绍兴 "
    "嘉兴 常州 徐州 烟台 潍坊 洛阳 泉州 中山 惠州 扬州 镇江 台州 金华 芜湖 石家庄 哈尔滨 "
    "乌鲁木齐 呼和浩特 银川 西宁 保定 唐山 廊坊"
).split()
BRAND_CHARS = (
    "华信达通盛恒泰丰源瑞祥宏远创新博雅天成金桥鼎云帆智联东方长城海川兴隆安康永嘉润德荣昌汇聚"
    "和美佳明光辉腾飞宇星辰峰森林诚益锦卓越凯顺正元中亚合力启航捷迅晟铭弘"
)
TRADES = (
    "科技 电子 贸易 医疗器械 软件 物流 食品 教育咨询 机械 化工 建材 服装 纺织 餐饮管理 房地产开发 "
    "投资管理 文化传媒 广告 环保科技 新能源 汽车销售 农业发展 生物科技 信息技术 网络科技 建筑工程 "
    "装饰工程 电气设备 精密制造 仪器仪表 供应链管理 酒店管理 物业管理 人力资源 财务咨询 实业 商贸 "
    "进出口 包装材料 光电 半导体 智能装备 医药 新材料 水务 能源 家居 体育用品 旅游开发"
).split()
CJK_FORMS = ("有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "集团", "商行")
CJK_FORM_WEIGHTS = (74, 12, 6, 3, 3, 2)
DISTRICTS = "朝阳区 海淀区 浦东新区 天河区 南山区 西湖区 武侯区 鼓楼区 江汉区 高新区 经开区".split()
ROADS = "建国路 人民路 中山路 解放路 长江路 科技路 创业大道 滨江路 学院路 和平街".split()

LATIN_ONSETS = (
    "Ac Al Ar Bel Bri Cal Cor Dan Del El Fen Gar Hal Ino Jar Kel Lum Mar Nor Oro "
    "Pax Ral Sol Tal Ul Ven Wes Xan Yor Zen Bra Cre Dro Fla Tre Vir Mon Pel Sar Tor"
).split()
LATIN_CODAS = "a ex ia ix on or us ent ara ica ium ora ano eon yx ell ant ira ova ux".split()
LATIN_REAL = (
    "Acme Apex Atlas Beacon Cedar Crest Delta Evergreen Falcon Granite Harbor Horizon Summit "
    "Sterling Pioneer Meridian Northwind Keystone Liberty Orchid Phoenix Redwood Sapphire "
    "Silverline Trident Vanguard Westbridge Bluewater Clearview Goldleaf Ironwood Lakeside Maple "
    "Oakridge Pinnacle Riverside Starlight Sunrise Twinbrook Unity"
).split()
LATIN_MIDDLE = (
    "Global Pacific Asia United First Prime Allied Advanced General Royal Eastern Western Northern "
    "Southern Central International Digital Smart Green Bright Dynamic Integrated Precision "
    "Premier Strategic Metro Coastal Continental Modern Creative"
).split()
LATIN_INDUSTRIES = (
    "Technologies;Logistics;Trading;Foods;Electronics;Pharmaceuticals;Consulting;Engineering;"
    "Materials;Energy;Textiles;Machinery;Software;Media;Healthcare;Instruments;Chemicals;"
    "Supply Chain;Semiconductors;Robotics;Apparel;Packaging;Biotech;Capital;Systems;Solutions;"
    "Industries;Motors;Networks;Labs"
).split(";")
LATIN_FORMS = ("Co., Ltd.", "Ltd", "Inc.", "LLC", "Group", "Corporation", "GmbH", "Holdings", "PLC")
LATIN_FORM_WEIGHTS = (30, 20, 15, 10, 8, 7, 3, 4, 3)
NUMBERS = (3, 7, 8, 21, 36, 58, 99, 101, 168, 360, 365, 518, 666, 888, 2000, 2008)
STREETS = "Harbour Queen King Market Station Garden Bridge Mill Park Church".split()

CN_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴"
)
CN_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛")
CN_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红鹏飞"
    "晓峰建国文辉力丹宁颖婷雪琳浩宇欣怡佳俊凯博然思梦子轩雨涵晨阳"
)
EN_FIRST = (
    "James Mary John Linda Robert Emma Michael Sarah David Laura William Anna Richard Grace "
    "Thomas Chloe Daniel Sophie Mark Lucy Paul Helen Steven Amy Andrew Kate Peter Julia Olivia"
).split()
EN_LAST = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
    "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott "
    "Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker "
    "Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Reed Bailey Bell Kelly "
    "Howard Ward Cox Wood Watson Brooks Bennett Gray Hughes Price Foster Sanders Ross Powell "
    "Sullivan Russell Perry Butler Barnes Fisher Henderson Coleman Jordan Graham Wallace West"
).split()
TITLES = (
    *"总经理 副总经理 采购经理 技术总监 财务经理 销售总监 行政主管 项目经理 CEO CTO".split(),
    "Purchasing Manager",
    "Sales Director",
    "Office Manager",
)
NOTES = (
    "年度框架协议客户，每季度回访。",
    "对价格敏感，关注交付周期。",
    "Prefers email; decision in Q3.",
    "Met at the trade show, wants a demo.",
    "",
)

DICTIONARY = {
    "category": ["重点客户", "普通客户", "潜在客户", "战略伙伴", "Key account"],
    "industry": (
        "制造业 软件与信息技术 金融 零售 教育 医疗健康 物流运输 房地产 能源化工 农业 餐饮 "
        "文化传媒 建筑 汽车 电子 Healthcare Manufacturing Finance Retail Logistics"
    ).split(),
    "source": [
        "展会",
        "官网",
        "转介绍",
        "电话营销",
        "广告投放",
        "Trade show",
        "Website",
        "Referral",
    ],
    "region": (
        "北京 上海 天津 重庆 广东 浙江 江苏 山东 河南 河北 湖北 湖南 四川 福建 安徽 江西 辽宁 "
        "吉林 黑龙江 陕西 山西 云南 贵州 广西 海南 甘肃 青海 宁夏 新疆 内蒙古 西藏 香港 Singapore"
    ).split(),
    "relation": ["配偶", "朋友", "同学", "前同事"],
    "interaction": ["电话", "拜访", "邮件", "会议"],
    "opportunity_stage": ["初步接触", "需求确认", "方案报价", "商务谈判", "Closing"],
}
CATEGORY_WEIGHTS = (10, 50, 30, 5, 5)

CUSTOMER_COLUMNS = (
    "id name name_key search_name sort_name category_id industry_id source_id region_id "
    "address phone website notes created_by_id created_at updated_at owner_id claimed_at "
    "last_contacted_at deleted_at version clocks_from returns_at last_deal_at contract_signed_at "
    "locked_at locked_by_id returned_at returned_by_id pool_id"
).split()
CONTACT_COLUMNS = (
    "id customer_id name search_name title mobile phone email notes is_primary created_at"
).split()
SHARE_COLUMNS = "id customer_id user_id department_id shared_by_id created_at".split()
BIG_TABLES = ("customers_customer", "customers_contact", "customers_share")
BATCH = 20_000


def heavy_customer_count(size):
    return min(HEAVY_CUSTOMERS, max(20, size // 50))


_STARTED = time.perf_counter()


def log(message):
    print(
        f"[generate +{time.perf_counter() - _STARTED:.0f}s] {message}", file=sys.stderr, flush=True
    )


# ---------------------------------------------------------------------------- text


class Clock:
    """Epoch seconds → the timestamp text each database reads back as an aware UTC time."""

    def __init__(self, end, postgres):
        self.end = int(end.timestamp())
        self.suffix = "+00" if postgres else ""
        self.times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
        self.days = {}

    def text(self, seconds):
        day, rest = divmod(seconds, 86400)
        date = self.days.get(day)
        if date is None:
            date = self.days[day] = datetime.date.fromordinal(719163 + day).isoformat()
        return f"{date} {self.times[rest]}{self.suffix}"


class Names:
    """Company and person names, each company name with a key no other one has."""

    def __init__(self, rng):
        self.rng = rng
        self.keys = set()
        from customers.normalize import fold, name_key, sort_name

        self.fold, self.name_key, self.sort_name = fold, name_key, sort_name
        self.cjk_form_cum = _cumulative(CJK_FORM_WEIGHTS)
        self.latin_form_cum = _cumulative(LATIN_FORM_WEIGHTS)

    def brand_char(self):
        return self.rng.choice(BRAND_CHARS)

    def latin_brand(self):
        rng = self.rng
        if rng.random() < 0.75:
            return rng.choice(LATIN_ONSETS) + rng.choice(LATIN_CODAS)
        return rng.choice(LATIN_REAL)

    def chinese(self, effort):
        rng = self.rng
        r = rng.random()
        if r < 0.03:
            brand = self.latin_brand()  # 上海Norvex科技有限公司
        elif r < 0.05:
            brand = f"{rng.choice(NUMBERS)}{self.brand_char()}"  # 深圳168华科技有限公司
        else:
            brand = "".join(self.brand_char() for _ in range(2 + (effort > 8)))
        trade = rng.choice(TRADES)
        form = rng.choices(CJK_FORMS, cum_weights=self.cjk_form_cum)[0]
        if rng.random() < 0.04:
            return f"{brand}（{rng.choice(CITIES)}）{trade}{form}"
        city = rng.choice(CITIES) if rng.random() < 0.7 else ""
        return f"{city}{brand}{trade}{form}"

    def latin(self, effort):
        rng = self.rng
        words = [self.latin_brand()]
        if rng.random() < 0.02:
            words.append(str(rng.choice(NUMBERS)))  # Apex 365 Logistics Ltd
        r = rng.random()
        if r < 0.5:
            words.append(rng.choice(LATIN_MIDDLE))
        elif r < 0.7 or effort > 8:
            words.append(self.latin_brand())
        words.append(rng.choice(LATIN_INDUSTRIES))
        words.append(rng.choices(LATIN_FORMS, cum_weights=self.latin_form_cum)[0])
        return " ".join(words)

    def company(self, latin):
        make = self.latin if latin else self.chinese
        for effort in range(40):
            name = make(effort)
            key = self.name_key(name)
            if key not in self.keys:
                self.keys.add(key)
                return name, key
        raise RuntimeError("no free company name after 40 tries")

    def person(self, latin):
        rng = self.rng
        if latin:
            return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
        surname = rng.choice(CN_COMPOUND_SURNAMES) if rng.random() < 0.01 else None
        surname = surname or rng.choice(CN_SURNAMES)
        given = rng.choice(CN_GIVEN) + (rng.choice(CN_GIVEN) if rng.random() < 0.6 else "")
        return surname + given


def _cumulative(weights):
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


# ---------------------------------------------------------------------------- loading


class Loader:
    """Raw bulk inserts on the Django connection's own DB-API connection, so they join the
    transaction Django opened: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection):
        connection.ensure_connection()
        self.connection = connection
        self.raw = connection.connection
        self.postgres = connection.vendor == "postgresql"

    def insert(self, table, columns, rows):
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    def secondary_indexes(self, table):
        """(name, DDL) of the indexes that no constraint owns: dropped during the load and
        built again after, which is several times faster than updating them row by row."""
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                    "ORDER BY i.relname",
                    [f'"{table}"'],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = %s AND sql IS NOT NULL ORDER BY name",
                    [table],
                )
            return cursor.fetchall()

    def execute(self, sql, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None


def _check_columns(model, columns):
    """Fail loudly when the model gained or lost a column: a silently unfilled derived
    column would make every measurement wrong."""
    actual = {f.column for f in model._meta.concrete_fields if not f.generated}
    if actual != set(columns):
        raise RuntimeError(
            f"{model._meta.db_table} columns changed: the model has "
            f"{sorted(actual - set(columns))} that generate.py does not fill, and generate.py "
            f"fills {sorted(set(columns) - actual)} that the model lacks. Update generate.py."
        )


def _next_id(model):
    from django.db.models import Max

    return model._base_manager.aggregate(top=Max("pk"))["top"] or 0


# ---------------------------------------------------------------------------- people


@dataclass
class Person:
    username: str
    display_name: str
    department: str
    supervisor: str | None
    role: str
    pk: int = 0


def _people_plan(names):
    """Who works here: ceo → 4 VPs → 20 directors → 80 managers → reps (5 levels). VP1
    has 10 of the directors, so about 240 people are below them."""
    people = [Person("bench_ceo", "王总 (CEO)", "管理层 Management", None, "ceo")]
    people += [
        Person(
            f"bench_vp{v}", f"{names.person(False)} VP{v}", "管理层 Management", "bench_ceo", "vp"
        )
        for v in range(1, 5)
    ]
    directors_of_vp = (10, 4, 3, 3)
    d = 0
    for v, count in enumerate(directors_of_vp, start=1):
        for _ in range(count):
            d += 1
            people.append(
                Person(
                    f"bench_dir{d:02d}",
                    names.person(d % 3 == 0),
                    f"销售{d:02d}部 Sales {d:02d}",
                    f"bench_vp{v}",
                    "director",
                )
            )
    managers = []
    for m in range(80):
        director = people[5 + m // 4]
        managers.append(
            Person(
                f"bench_mgr{m + 1:02d}",
                names.person(m % 3 == 0),
                director.department,
                director.username,
                "manager",
            )
        )
    people += managers
    for dept, count in (("市场部 Marketing", 5), ("客服部 Support", 4), ("财务部 Finance", 3)):
        lead = None
        for k in range(count):
            username = f"bench_{dept.split()[1].lower()}{k + 1}"
            if dept.startswith("市场") and k == 0:
                username = POOL_MANAGER_USERNAME
            people.append(
                Person(username, names.person(k % 2 == 1), dept, lead or "bench_vp4", "staff")
            )
            lead = lead or username
    people.append(Person("bench_it1", names.person(True), "信息技术部 IT", "bench_vp4", "staff"))
    people.append(Person("bench_it2", names.person(False), "信息技术部 IT", "bench_it1", "staff"))
    people.append(Person("bench_it3", names.person(False), "信息技术部 IT", "bench_it1", "staff"))
    people.append(Person(ADMIN_USERNAME, "Administrator", "管理层 Management", None, "admin"))
    reps = USER_COUNT - len(people)
    for r in range(reps):
        manager = managers[r % len(managers)]
        username = HEAVY_USERNAME if r == 0 else f"bench_rep{r:03d}"
        people.append(
            Person(username, names.person(r % 3 == 2), manager.department, manager.username, "rep")
        )
    return people


def _create_people(names):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.utils import timezone

    from org.models import Department, User
    from org.services import set_pool_manager

    people = _people_plan(names)
    if User.objects.filter(username__in=[p.username for p in people]).exists():
        raise RuntimeError("this database already holds benchmark people; use a fresh one")
    departments = {}
    for dept_name in dict.fromkeys(p.department for p in people):
        departments[dept_name] = Department.objects.get_or_create(name=dept_name)[0].pk
    # The default hasher named, not the configured one: the test settings' fast hasher is
    # one a server (the load run's) would not accept.
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(BENCH_PASSWORD, hasher.salt())
    first = _next_id(User) + 1
    for offset, person in enumerate(people):
        person.pk = first + offset
    by_name = {p.username: p for p in people}
    now = timezone.now()
    User.objects.bulk_create(
        [
            User(
                pk=p.pk,
                username=p.username,
                display_name=p.display_name,
                department_id=departments[p.department],
                supervisor_id=by_name[p.supervisor].pk if p.supervisor else None,
                password=password,
                is_staff=p.role == "admin",
                is_superuser=p.role == "admin",
                date_joined=now,
            )
            for p in people
        ],
        batch_size=500,
    )
    set_pool_manager(User.objects.get(username=POOL_MANAGER_USERNAME), True)
    return people, departments


def _create_dictionary():
    from settings_app.models import DictionaryItem

    items = {}
    for kind, labels in DICTIONARY.items():
        existing = dict(
            DictionaryItem.objects.filter(kind=kind, name__in=labels).values_list("name", "pk")
        )
        DictionaryItem.objects.bulk_create(
            DictionaryItem(kind=kind, name=label, sort_order=order)
            for order, label in enumerate(labels)
            if label not in existing
        )
        ids = dict(DictionaryItem.objects.filter(kind=kind).values_list("name", "pk"))
        items[kind] = [ids[label] for label in labels]
    return items


def subtree(people, root):
    below, frontier = set(), {root}
    while frontier:
        frontier = {p.username for p in people if p.supervisor in frontier} - below
        below |= frontier
    return below


# ---------------------------------------------------------------------------- customers


def generate(size, seed=DEFAULT_SEED, *, connection=None, analyze=True, fast=True):
    """Load the whole dataset into `connection` (default: Django's default database) in
    one transaction. Returns counts and phase timings."""
    from django.db import connection as default_connection
    from django.db import transaction

    from customers.models import Contact, Customer, Share

    connection = connection or default_connection
    _check_columns(Customer, CUSTOMER_COLUMNS)
    _check_columns(Contact, CONTACT_COLUMNS)
    _check_columns(Share, SHARE_COLUMNS)
    loader = Loader(connection)
    started = time.perf_counter()
    timings = {}
    sqlite_pragmas = {}
    if not loader.postgres and fast:
        for pragma, value in (("synchronous", "OFF"), ("foreign_keys", "OFF")):
            sqlite_pragmas[pragma] = loader.execute(f"PRAGMA {pragma}")[0][0]
            loader.execute(f"PRAGMA {pragma} = {value}")
        sqlite_pragmas["cache_size"] = loader.execute("PRAGMA cache_size")[0][0]
        loader.execute("PRAGMA cache_size = -262144")  # 256 MB for the index builds
    try:
        with transaction.atomic(using=connection.alias):
            if loader.postgres and fast:
                loader.execute("SET LOCAL maintenance_work_mem = '512MB'")
                loader.execute("SET LOCAL synchronous_commit = off")
                if loader.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][
                    0
                ]:
                    # Foreign keys are not checked row by row during the load; verify()
                    # checks them all afterwards.
                    loader.execute("SET LOCAL session_replication_role = replica")
            stats = _load(loader, size, seed, fast, timings)
            mark = time.perf_counter()
            stats["problems"] = verify(loader)
            if stats["problems"]:
                raise RuntimeError(f"generated data is inconsistent: {stats['problems']}")
            timings["verify"] = time.perf_counter() - mark
            if loader.postgres:
                from django.core.management.color import no_style

                from org.models import Department, User
                from settings_app.models import DictionaryItem

                models = [Customer, Contact, Share, User, Department, DictionaryItem]
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    loader.execute(sql)
            if analyze and not loader.postgres:
                mark = time.perf_counter()
                loader.execute("ANALYZE")
                timings["analyze"] = time.perf_counter() - mark
    finally:
        for pragma, value in sqlite_pragmas.items():
            loader.execute(f"PRAGMA {pragma} = {value}")
    if analyze and loader.postgres:
        mark = time.perf_counter()
        # After the commit: VACUUM cannot run in a transaction. It also sets the visibility
        # map, as autovacuum would soon, so index-only scans work from the first run.
        loader.execute("VACUUM (ANALYZE)")
        timings["analyze"] = time.perf_counter() - mark
    stats["seconds"] = {k: round(v, 2) for k, v in timings.items()}
    stats["seconds"]["total_load"] = round(time.perf_counter() - started, 2)
    return stats


def _load(loader, size, seed, fast, timings):
    rng = random.Random(seed)
    names = Names(rng)
    end = datetime.datetime.now(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    clock = Clock(end, loader.postgres)

    mark = time.perf_counter()
    people, departments = _create_people(names)
    items = _create_dictionary()
    timings["people_and_dictionary"] = time.perf_counter() - mark

    mark = time.perf_counter()
    dropped = []
    if fast:
        for table in BIG_TABLES:
            for index_name, ddl in loader.secondary_indexes(table):
                loader.execute(f'DROP INDEX "{index_name}"')
                dropped.append(ddl)
    plan = _plan(rng, size, people)
    timings["plan"] = time.perf_counter() - mark

    mark = time.perf_counter()
    counts = _load_customers(loader, rng, names, clock, size, plan, people, items)
    timings["customers_and_contacts"] = time.perf_counter() - mark

    mark = time.perf_counter()
    counts["shares"] = _load_shares(loader, rng, clock, plan, people, departments)
    timings["shares"] = time.perf_counter() - mark

    mark = time.perf_counter()
    for ddl in dropped:
        loader.execute(ddl)
    timings["indexes"] = time.perf_counter() - mark

    # The name search indexes, built from the loaded names exactly as the app's rebuild
    # command does (customers.search_index), in the load's transaction; their statistics
    # are gathered with every table's at the end.
    from customers.search_index import CONTACT_NAMES, CUSTOMER_NAMES

    mark = time.perf_counter()
    counts["search_entries"] = sum(
        index.rebuild(using=loader.connection.alias, analyze=False)
        for index in (CUSTOMER_NAMES, CONTACT_NAMES)
    )
    timings["search_index"] = time.perf_counter() - mark
    counts["users"] = len(people)
    counts["departments"] = len(departments)
    counts["claimed"] = sum(1 for o in plan.owner if o)
    counts["deleted"] = sum(plan.deleted)
    counts["heavy_user_customers"] = len(plan.heavy)
    counts["supervisor_subordinates"] = len(subtree(people, SUPERVISOR_USERNAME))
    return {"size": size, "seed": seed, "counts": counts}


@dataclass
class Plan:
    latin: bytearray
    owner: array
    deleted: bytearray
    contacts: bytearray
    heavy: set
    first_customer_id: int
    first_contact_id: int
    first_share_id: int
    claimed_at: array


def _plan(rng, size, people):
    """Decide per customer, before writing anything: Latin or Chinese, owner, deleted,
    and number of contacts."""
    from customers.models import Contact, Customer, Share

    by_name = {p.username: p for p in people}
    heavy = by_name[HEAVY_USERNAME].pk
    sellers = [p for p in people if p.role in ("director", "manager", "rep") and p.pk != heavy]
    weights = _cumulative({"director": 1, "manager": 3, "rep": 6}[p.role] for p in sellers)
    seller_ids = [p.pk for p in sellers]
    heavy_count = heavy_customer_count(size)
    others_claimed = CLAIMED_SHARE - heavy_count / size

    latin = bytearray(size)
    owner = array("q", bytes(8 * size))
    deleted = bytearray(size)
    contacts = bytearray(size)
    random_ = rng.random
    for i in range(size):
        latin[i] = random_() < 1 / 3
        r = random_()
        if r < DELETED_SHARE:
            deleted[i] = 1
        elif r < DELETED_SHARE + others_claimed:
            owner[i] = rng.choices(seller_ids, cum_weights=weights)[0]
        r = random_()  # 0 to 4 contacts, 1.5 on average
        contacts[i] = 0 if r < 0.15 else 1 if r < 0.55 else 2 if r < 0.85 else 3 if r < 0.95 else 4
    free = [i for i in range(size) if not owner[i] and not deleted[i]]
    heavy_set = set(rng.sample(free, heavy_count))
    for i in heavy_set:
        owner[i] = heavy

    return Plan(
        latin=latin,
        owner=owner,
        deleted=deleted,
        contacts=contacts,
        heavy=heavy_set,
        first_customer_id=_next_id(Customer) + 1,
        first_contact_id=_next_id(Contact) + 1,
        first_share_id=_next_id(Share) + 1,
        claimed_at=array("q", bytes(8 * size)),
    )


def _load_customers(loader, rng, names, clock, size, plan, people, items):
    fold, sort_name = names.fold, names.sort_name
    random_, randrange, choice = rng.random, rng.randrange, rng.choice
    end = clock.end
    span = YEARS * 365 * 86400
    text = clock.text
    user_ids = [p.pk for p in people]
    category_cum = _cumulative(CATEGORY_WEIGHTS)
    categories, industries = items["category"], items["industry"]
    sources, regions = items["source"], items["region"]
    contact_id = plan.first_contact_id
    customers, contacts = [], []
    n_contacts = 0
    for i in range(size):
        latin = plan.latin[i]
        name, key = names.company(latin)
        created = end - randrange(span)
        owner = plan.owner[i] or None
        claimed = last_contacted = deleted = None
        updated = created
        if owner:
            claimed = updated = created + randrange(end - created + 1)
            plan.claimed_at[i] = claimed
            if random_() < 0.7:
                last_contacted = updated = claimed + randrange(end - claimed + 1)
        elif plan.deleted[i]:
            deleted = updated = created + randrange(end - created + 1)
        if latin:
            address = f"{randrange(1, 300)} {choice(STREETS)} Road, {choice(CITIES)}"
        else:
            address = f"{choice(CITIES)}市{choice(DISTRICTS)}{choice(ROADS)}{randrange(1, 999)}号"
        customer_id = plan.first_customer_id + i
        customers.append(
            (
                customer_id,
                name,
                key,
                fold(name),
                sort_name(name),
                rng.choices(categories, cum_weights=category_cum)[0] if random_() < 0.9 else None,
                choice(industries) if random_() < 0.85 else None,
                choice(sources) if random_() < 0.8 else None,
                choice(regions) if random_() < 0.95 else None,
                address if random_() < 0.8 else "",
                f"0{randrange(10, 999)}-{randrange(10_000_000, 99_999_999)}"
                if random_() < 0.7
                else "",
                f"www.c{customer_id}.example.com" if random_() < 0.3 else "",
                choice(NOTES) if random_() < 0.15 else "",
                choice(user_ids) if random_() < 0.8 else None,
                text(created),
                text(updated),
                owner,
                text(claimed) if claimed else None,
                text(last_contacted) if last_contacted else None,
                text(deleted) if deleted else None,
                1,
                # The pool rules' facts: their clocks start at the claim; every rule is off,
                # so nothing is due, locked or returned yet.
                text(claimed) if claimed else None,
                *(None,) * 7,
                None,  # every customer in the company pool
            )
        )
        count = plan.contacts[i]
        for j in range(count):
            person = names.person(latin)
            contacts.append(
                (
                    contact_id,
                    customer_id,
                    person,
                    fold(person),
                    choice(TITLES) if random_() < 0.7 else "",
                    f"1{randrange(30, 99)}{randrange(10_000_000, 99_999_999)}"
                    if random_() < 0.8
                    else "",
                    f"0{randrange(10, 999)}-{randrange(1_000_000, 9_999_999)}"
                    if random_() < 0.2
                    else "",
                    f"c{contact_id}@example.com" if random_() < 0.4 else "",
                    "",
                    j == 0,
                    text(created + randrange(end - created + 1)),
                )
            )
            contact_id += 1
        if len(customers) >= BATCH:
            loader.insert("customers_customer", CUSTOMER_COLUMNS, customers)
            loader.insert("customers_contact", CONTACT_COLUMNS, contacts)
            n_contacts += len(contacts)
            customers, contacts = [], []
            if (i + 1) % 200_000 == 0:
                log(f"{i + 1:,} customers")
    loader.insert("customers_customer", CUSTOMER_COLUMNS, customers)
    loader.insert("customers_contact", CONTACT_COLUMNS, contacts)
    n_contacts += len(contacts)
    return {"customers": size, "contacts": n_contacts}


def _load_shares(loader, rng, clock, plan, people, departments):
    """Owners share claimed customers with a colleague (80 %) or a whole department. The
    supervisor gets a few from outside their own tree, so shared-to-me is exercised."""
    target = round(len(plan.owner) * SHARES_PER_CUSTOMER)
    claimed = [i for i, o in enumerate(plan.owner) if o]
    by_name = {p.username: p for p in people}
    supervisor = by_name[SUPERVISOR_USERNAME].pk
    mine = {by_name[u].pk for u in subtree(people, SUPERVISOR_USERNAME)} | {supervisor}
    outside = [i for i in claimed if plan.owner[i] not in mine]
    user_ids = [p.pk for p in people]
    department_ids = list(departments.values())
    seen, rows = set(), []
    for k in range(target * 3):
        if len(rows) >= target or not claimed:
            break
        if k < max(3, target // 500) and outside:
            i, user, department = rng.choice(outside), supervisor, None
        else:
            i = rng.choice(claimed)
            user, department = (rng.choice(user_ids), None)
            if rng.random() < 0.2:
                user, department = None, rng.choice(department_ids)
        owner = plan.owner[i]
        if user == owner or (i, user, department) in seen:
            continue
        seen.add((i, user, department))
        when = plan.claimed_at[i] + rng.randrange(clock.end - plan.claimed_at[i] + 1)
        rows.append(
            (
                plan.first_share_id + len(rows),
                plan.first_customer_id + i,
                user,
                department,
                owner,
                clock.text(when),
            )
        )
    loader.insert("customers_share", SHARE_COLUMNS, rows)
    return len(rows)


def verify(loader):
    """Every foreign key of the loaded tables points at a row, and every customer with
    contacts has exactly one primary. Returns the problems found."""
    from customers.models import Contact, Customer, Share

    problems = []
    for model in (Customer, Contact, Share):
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model._meta
            orphans = loader.execute(
                f'SELECT COUNT(*) FROM "{table}" t WHERE t."{field.column}" IS NOT NULL AND '
                f'NOT EXISTS (SELECT 1 FROM "{target.db_table}" r '
                f'WHERE r."{target.pk.column}" = t."{field.column}")'
            )[0][0]
            if orphans:
                problems.append(f"{orphans} {table}.{field.column} point nowhere")
    unprimaried = loader.execute(
        "SELECT COUNT(*) FROM (SELECT customer_id FROM customers_contact GROUP BY customer_id "
        "HAVING SUM(CASE WHEN is_primary THEN 1 ELSE 0 END) <> 1) x"
    )[0][0]
    if unprimaried:
        problems.append(f"{unprimaried} customers without exactly one primary contact")
    return problems


# ---------------------------------------------------------------------------- CLI


def database_url(db, size):
    """Where the dataset of this size lives: its own SQLite file, or the `bench` database."""
    if db == "sqlite":
        var = Path(os.environ.get("POOLCRM_VAR_DIR", ROOT / "var")).resolve()
        return f"sqlite:///{var}/bench-{size}.sqlite3"
    if db == "postgres":
        return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench")
    raise ValueError(f"unknown database {db!r}: sqlite or postgres")


def read_meta(url):
    """The stored description of the dataset at `url`, or None when there is none."""
    parsed = urlparse(url)
    query = f"SELECT key, value FROM {META_TABLE}"
    try:
        if parsed.scheme == "sqlite":
            if not Path(parsed.path).exists():
                return None
            db = sqlite3.connect(parsed.path)
            try:
                return dict(db.execute(query).fetchall())
            finally:
                db.close()
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as db:
            return dict(db.execute(query).fetchall())
    except Exception as error:  # no such file, database or table: no dataset
        log(f"no dataset at {url} ({error.__class__.__name__})")
        return None


def _reset_database(url):
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.path + suffix).unlink(missing_ok=True)
        Path(parsed.path).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # Names sort by code point, as on SQLite: the benchmark's ground truth orders them so.
        db.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE 'C.UTF-8'")


def _write_meta(stats, seconds_total):
    import json

    from django.db import connection

    values = {
        "version": GENERATOR_VERSION,
        "size": str(stats["size"]),
        "seed": str(stats["seed"]),
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seconds_total": f"{seconds_total:.1f}",
        "stats": json.dumps(stats, ensure_ascii=False),
    }
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(50), value text)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        for key, value in values.items():
            cursor.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)", [key, value])


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("POOLCRM_DEBUG", "0")
    # Production mode needs a key of its own; the benchmark's is made for the run.
    os.environ.setdefault("POOLCRM_SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="number of customers")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--if-missing", action="store_true", help="keep a dataset of this size if present"
    )
    args = parser.parse_args(argv)
    url = database_url(args.db, args.size)
    meta = read_meta(url)
    present = (
        meta is not None
        and meta.get("version") == GENERATOR_VERSION
        and meta.get("size") == str(args.size)
        and meta.get("seed") == str(args.seed)
    )
    if present and args.if_missing:
        log(f"dataset of {args.size:,} customers present at {url}; migrating only")
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        # A migration may have rebuilt a table or added indexes: fresh statistics.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return 0
    started = time.perf_counter()
    log(f"creating {url}")
    _reset_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    log(f"migrated in {migrated:.1f} s; loading {args.size:,} customers")
    stats = generate(args.size, args.seed)
    stats["seconds"]["migrate"] = round(migrated, 2)
    total = time.perf_counter() - started
    _write_meta(stats, total)
    log(f"done in {total:.1f} s: {stats['counts']} {stats['seconds']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
