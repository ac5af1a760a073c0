"""Demo company for a trial run: 4 departments, 12 people in a 3-level hierarchy (with a
pool manager and an administrator), 300 customers in every state, Chinese and English."""

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from activities.services import interactions
from customers.models import Customer, Pool
from customers.services import contacts, due, ownership
from customers.services.pool_rules import save_pool_rules
from customers.services.pools import save_pool
from org.models import Department, User
from org.services import save_user
from sales.services import contracts, expenses, opportunities, payments, quotes, receivables
from settings_app.models import DictionaryItem

DEMO_PASSWORD = "poolcrm-demo"

# Each item's (English name, Chinese name): the pages show the one of their language.
DICTIONARY = {
    "category": [("Key account", "重点客户"), ("Regular", "普通客户"), ("Prospect", "潜在客户")],
    "industry": [
        ("Manufacturing", "制造业"),
        ("Software and IT", "软件与信息技术"),
        ("Finance", "金融"),
        ("Retail", "零售"),
        ("Education", "教育"),
        ("Healthcare", "医疗健康"),
    ],
    "source": [
        ("Trade show", "展会"),
        ("Website", "官网"),
        ("Referral", "转介绍"),
        ("Telemarketing", "电话营销"),
    ],
    "region": [
        ("Beijing", "北京"),
        ("Shanghai", "上海"),
        ("Guangzhou", "广州"),
        ("Shenzhen", "深圳"),
        ("Hangzhou", "杭州"),
        ("Chengdu", "成都"),
        ("Singapore", "新加坡"),
    ],
    "relation": [
        ("Spouse", "配偶"),
        ("Friend", "朋友"),
        ("Classmate", "同学"),
        ("Former colleague", "前同事"),
    ],
    "interaction": [
        ("Phone call", "电话"),
        ("Visit", "拜访"),
        ("Email", "邮件"),
        ("Meeting", "会议"),
    ],
    "opportunity_stage": [
        ("Initial contact", "初步接触"),
        ("Needs confirmed", "需求确认"),
        ("Proposal and quote", "方案报价"),
        ("Negotiation", "商务谈判"),
        ("Closing", "成交"),
    ],
    "expense_type": [
        ("Travel", "差旅费"),
        ("Entertainment", "招待费"),
        ("Samples", "样品费"),
        ("Gifts", "礼品费"),
    ],
    # The same as a new installation has (settings_app 0007), so that a demo made over
    # a dictionary without them has them too.
    "return_reason": [
        ("Price not right", "价格不合适"),
        ("No need", "无需求"),
        ("Cannot be reached", "联系不上"),
        ("Has a supplier", "已有供应商"),
        ("Other", "其他"),
    ],
}

# (username, display name, department, supervisor, pool manager, administrator)
PEOPLE = [
    # The head of the company distributes the pool too (the manual's case 1).
    ("boss", "王总 (CEO)", "管理层 Management", None, True, False),
    ("east_mgr", "李经理 East manager", "销售一部 Sales East", "boss", False, False),
    ("north_mgr", "Nora North (manager)", "销售二部 Sales North", "boss", False, False),
    ("east_rep1", "张伟", "销售一部 Sales East", "east_mgr", False, False),
    ("east_rep2", "刘洋", "销售一部 Sales East", "east_mgr", False, False),
    ("east_rep3", "Emma Evans", "销售一部 Sales East", "east_mgr", False, False),
    ("north_rep1", "陈静", "销售二部 Sales North", "north_mgr", False, False),
    ("north_rep2", "Noah Ng", "销售二部 Sales North", "north_mgr", False, False),
    ("north_rep3", "赵磊", "销售二部 Sales North", "north_mgr", False, False),
    ("north_rep4", "孙丽", "销售二部 Sales North", "north_mgr", False, False),
    ("marketer", "周敏 (Marketing, pool manager)", "市场部 Marketing", None, True, False),
    ("admin", "Administrator", "管理层 Management", None, False, True),
]

EAST_POOL = "华东区域 East region"

CN_CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "南京", "武汉", "苏州", "西安"]
CN_WORDS = [
    "华信",
    "远景",
    "恒通",
    "鼎盛",
    "新创",
    "博雅",
    "天成",
    "宏达",
    "瑞丰",
    "金桥",
    "商策",
    "云帆",
    "智联",
    "东方",
    "长城",
    "海川",
]
CN_TRADES = ["科技", "电子", "贸易", "医疗器械", "软件", "物流", "食品", "教育咨询", "机械"]
CN_FORMS = ["有限公司", "股份有限公司", "集团"]
EN_WORDS = [
    "Acme",
    "Blue River",
    "Northwind",
    "Contoso",
    "Globex",
    "Initech",
    "Umbrella",
    "Vandelay",
    "Stark",
    "Wayne",
    "Hooli",
    "Pied Piper",
    "Soylent",
    "Tyrell",
]
EN_TRADES = ["Robotics", "Logistics", "Foods", "Software", "Medical", "Trading", "Analytics"]
EN_FORMS = ["Ltd.", "Inc.", "Co., Ltd.", "GmbH", "LLC"]
CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林"
CN_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明"]
EN_NAMES = [
    "Alice Wang",
    "Bob Smith",
    "Carol Jones",
    "David Lee",
    "Eve Brown",
    "Frank Miller",
    "Grace Kim",
    "Henry Zhao",
    "Ivy Chen",
    "Jack Wilson",
]
INTERACTION_SUBJECTS = [
    "电话沟通需求",
    "上门拜访",
    "发送报价",
    "Product demo",
    "Follow-up call",
    "技术交流会",
]
PRODUCTS = ["CRM 标准版授权", "实施服务", "年度维护", "Training day", "API add-on"]
TITLES = ["总经理", "采购经理", "技术总监", "CFO", "Purchasing manager", "IT lead"]


class Command(BaseCommand):
    help = "Load a demo company (people, dictionary, 300 customers) into the database."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if users exist")
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty=False, customers=300, seed=2026, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("Database already has users; demo data not loaded.")
            self.print_logins()
            return
        rng = random.Random(seed)
        with transaction.atomic():
            items = self.dictionary()
            people = self.people()
            self.customers(rng, customers, people, items)
            self.returned_by_a_rep(people, items)
            self.pool_rules(people)
            self.east_pool(people)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {Customer.objects.count()} customers.")
        )
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label, _dept, _sup, manager, admin in PEOPLE:
            role = "administrator" if admin else "pool manager" if manager else "salesperson"
            self.stdout.write(f"  {username:<11} {role:<13} {label}")

    def dictionary(self):
        """The items, each with both names. One there already under either name (a name
        moved to its language by settings_app's migration 0005) is completed, not doubled;
        two there already, one under each name, are both kept as they are."""
        items = {}
        for kind, names in DICTIONARY.items():
            items[kind] = []
            for order, (english, chinese) in enumerate(names):
                found = list(
                    DictionaryItem.objects.filter(
                        Q(name=english) | Q(name_zh_hans=chinese), kind=kind
                    )
                )
                item = found[0] if found else DictionaryItem(kind=kind, sort_order=order)
                if len(found) < 2:
                    item.name, item.name_zh_hans = english, chinese
                    item.save()
                items[kind].append(item)
        return items

    def people(self):
        people = {}
        for username, label, dept, supervisor, manager, admin in PEOPLE:
            department, _ = Department.objects.get_or_create(name=dept)
            existing = User.objects.filter(username=username).first()
            people[username] = save_user(
                {
                    "username": username,
                    "display_name": label,
                    "department": department,
                    "supervisor": people.get(supervisor),
                    "password": DEMO_PASSWORD,
                    "is_pool_manager": manager,
                    "is_staff": admin,
                    "is_superuser": admin,
                },
                existing,
            )
        return people

    def customer_names(self, rng, count):
        names, keys = [], set()
        while len(names) < count:
            if rng.random() < 0.65:
                name = rng.choice(CN_CITIES) + rng.choice(CN_WORDS) + rng.choice(CN_TRADES)
                name += rng.choice(CN_FORMS)
            else:
                name = f"{rng.choice(EN_WORDS)} {rng.choice(EN_TRADES)} {rng.choice(EN_FORMS)}"
                if rng.random() < 0.5:
                    name = f"{rng.choice(CN_CITIES)} {name}"
            key = ownership.name_key(name)
            if key not in keys and not Customer.objects.filter(name_key=key).exists():
                keys.add(key)
                names.append(name)
        return names

    def contact_name(self, rng):
        if rng.random() < 0.7:
            return rng.choice(CN_SURNAMES) + "".join(rng.sample(CN_GIVEN, rng.randint(1, 2)))
        return rng.choice(EN_NAMES)

    def mobile(self, rng):
        return f"1{rng.randint(3, 9)}{rng.randint(100_000_000, 999_999_999)}"

    def customers(self, rng, count, people, items):
        sellers = [people[u] for u in people if "rep" in u or "mgr" in u]
        marketer = people["marketer"]
        departments = list(Department.objects.all())
        for n, name in enumerate(self.customer_names(rng, count)):
            owner = rng.choice(sellers) if rng.random() < 0.6 else None
            data = {
                "name": name,
                "category": rng.choice(items["category"]),
                "industry": rng.choice(items["industry"]),
                "source": rng.choice(items["source"]),
                "region": rng.choice(items["region"]),
                "address": f"{rng.choice(CN_CITIES)}市 {rng.randint(1, 999)} 号",
                "phone": f"0{rng.randint(10, 99)}-{rng.randint(10_000_000, 99_999_999)}",
                "website": f"https://example-{n}.com",
                "notes": rng.choice(["", "年底有采购计划", "Prefers email", "价格敏感"]),
            }
            customer = ownership.create(owner or marketer, data, claim=owner is not None)
            if owner is None:
                if rng.random() < 0.05:
                    ownership.delete(marketer, [customer.pk], reason="demo: duplicate lead")
                continue
            self.add_contacts(rng, owner, customer, items, n)
            self.add_records(rng, owner, customer, items)
            roll = rng.random()
            if roll < 0.15:
                colleagues = [p for p in sellers if p != owner]
                ownership.share(owner, [customer.pk], users=rng.sample(colleagues, 2))
            elif roll < 0.22:
                ownership.share(owner, [customer.pk], departments=[rng.choice(departments)])

    def pool_rules(self, people):
        """The automatic return on, so the demo shows when each customer goes back to the
        pool (a new installation has every rule off). Dated by the job it queues, run at
        once here."""
        save_pool_rules(
            people["admin"], {"auto_return": True, "no_contact_days": 30, "warning_days": 3}
        )
        due.refresh_all()

    def east_pool(self, people):
        """A pool of its own for Sales East, managed by its manager, holding some of the
        unclaimed customers: Sales East sees and claims them, Sales North does not."""
        east = people["east_mgr"].department
        pool = save_pool(
            people["admin"],
            Pool.objects.filter(name=EAST_POOL).first(),
            {"name": EAST_POOL},
            {"departments": [east], "managers": [people["east_mgr"]]},
        )
        unclaimed = Customer.live.filter(owner__isnull=True, pool__isnull=True).order_by("pk")
        ids = list(unclaimed.values_list("pk", flat=True)[:20])
        ownership.move_to_pool(people["marketer"], ids, pool, reason="demo: Sales East leads")

    def returned_by_a_rep(self, people, items):
        """Two leads a rep keyed in, worked and gave back to the pool: their supervisors
        find them under 下属的客户 with the public fields only (manual 3.1.3)."""
        rep = people["east_rep1"]
        no_need = next(i for i in items["return_reason"] if i.name_zh_hans == "无需求")
        for name in ("沧州远航物流有限公司", "Harbor Line Logistics"):
            data = {"name": name, "category": items["category"][0], "region": items["region"][0]}
            customer = ownership.create(rep, {**data, "phone": "0317-55501234"}, claim=True)
            ownership.return_to_pool(
                rep, [customer.pk], reason="demo: no budget this year", reason_item=no_need
            )

    def add_records(self, rng, owner, customer, items):
        """Interactions for most claimed customers; a sales pipeline for some."""
        now = timezone.now()
        for _i in range(rng.randint(0, 3)):
            when = now - datetime.timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 8))
            follow_up = (now + datetime.timedelta(days=rng.randint(-5, 30))).date()
            interactions.create(
                owner,
                customer,
                {
                    "happened_at": when,
                    "kind": rng.choice(items["interaction"]),
                    "subject": rng.choice(INTERACTION_SUBJECTS),
                    "content": "",
                    "next_follow_up": follow_up if rng.random() < 0.5 else None,
                },
            )
        self.add_expenses(owner, customer, items)
        if rng.random() > 0.35:
            return
        opportunity = opportunities.create(
            owner,
            customer,
            {
                "name": f"{customer.name[:20]} {rng.choice(['采购项目', 'renewal', '二期'])}",
                "stage": rng.choice(items["opportunity_stage"]),
                "expected_amount": Decimal(rng.randint(10, 500) * 1000),
                "expected_close": (now + datetime.timedelta(days=rng.randint(10, 120))).date(),
                "probability": rng.choice([10, 30, 50, 70, 90]),
            },
        )
        lines = [
            {
                "product": rng.choice(PRODUCTS),
                "quantity": Decimal(rng.randint(1, 20)),
                "unit_price": Decimal(rng.randint(100, 5000)),
                "discount": Decimal(rng.choice([0, 0, 5, 10])),
            }
            for _line in range(rng.randint(1, 3))
        ]
        quote = quotes.create(
            owner,
            customer,
            {
                "date": now.date(),
                "opportunity": opportunity,
                "lines": lines,
            },
        )
        if rng.random() < 0.5:
            return
        status = rng.choice(["executing", "executing", "completed", "draft"])
        contract = contracts.create(
            owner,
            customer,
            {
                "title": opportunity.name,
                "amount": quote.total,
                "status": status,
                "signed_on": now.date(),
                "starts_on": now.date(),
                "ends_on": (now + datetime.timedelta(days=365)).date(),
                "quote": quote,
                "opportunity": opportunity,
            },
        )
        if status == "executing":
            half = (quote.total / 2).quantize(Decimal("0.01"))
            receivables.create(
                owner,
                customer,
                {
                    "contract": contract,
                    "due_on": (now + datetime.timedelta(days=30)).date(),
                    "amount": half,
                },
            )
            payments.create(
                owner,
                customer,
                {
                    "contract": contract,
                    "received_on": now.date(),
                    "amount": half,
                },
            )

    def add_expenses(self, owner, customer, items):
        # Drawn from a generator of their own, so the rest of the demo company stays as it
        # was before expenses existed.
        rng = random.Random(customer.pk)
        for _i in range(rng.choice([0, 0, 1, 2])):
            expenses.create(
                owner,
                customer,
                {
                    "spent_on": timezone.localdate() - datetime.timedelta(days=rng.randint(0, 60)),
                    "type": rng.choice(items["expense_type"]),
                    "amount": Decimal(rng.randint(2, 300) * 10),
                    "payee": rng.choice(["国航", "全季酒店", "海底捞", "顺丰速运", "Didi"]),
                },
            )

    def add_contacts(self, rng, owner, customer, items, n):
        for i in range(rng.randint(1, 3)):
            contact = contacts.add(
                owner,
                customer,
                {
                    "name": self.contact_name(rng),
                    "title": rng.choice(TITLES),
                    "mobile": self.mobile(rng),
                    "email": f"contact{n}_{i}@example.com",
                },
            )
            if rng.random() < 0.2:
                relation = {
                    "relation_type": rng.choice(items["relation"]),
                    "person_name": self.contact_name(rng),
                }
                contacts.add_relation(owner, customer, contact, relation)
