"""The demo: 丹凤县 in full (or all of Shangluo with ``scale="city"``) —
territory, categories, units and a user for every role.

Deterministic: the same data on every machine and every run, and running it
again changes nothing. Later parts add their own steps (households,
requests...) by appending to ``STEPS``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from pypinyin import lazy_pinyin

from wangge.accounts.models import RoleAssignment, Unit, UnitKind, User
from wangge.accounts.roles import Role
from wangge.audit.services import audit_record
from wangge.categories.defaults import DEPARTMENTS
from wangge.categories.models import Category
from wangge.categories.services import categories_install
from wangge.demo.people import demo_name
from wangge.demo.population import seed_lead_households, seed_population
from wangge.demo.requests import request_history_seed
from wangge.demo.settlement import Settlement, seed_grid_generations, settle_counties
from wangge.disputes.demo import seed_disputes
from wangge.gridwork.demo import gridwork_line, seed_gridwork
from wangge.gridwork.demo_history import seed_field_history
from wangge.open311.demo import seed_open311
from wangge.registry.colour_defaults import DEFAULT_RULES, DEFAULT_VISIT_INTERVALS
from wangge.registry.models import ColourRule, Household, Person, VisitInterval
from wangge.tasks.demo import seed_tasks
from wangge.territory.models import Area
from wangge.territory.services import area_tree_sync
from wangge.territory.shangluo import (
    CITY_CODE,
    COUNTY_ADCODES,
    DEMO_COUNTY,
    AreaRecord,
    attach_boundaries,
    build_tree,
    walk,
)

DEMO_PASSWORD = "wangge-demo"  # noqa: S105 - documented demo password, demo data only
SCALES = ("county", "city")
POPULATIONS = ("full", "sample", "none")
SAMPLE_TOWNS = ("611022109", "611022001")  # 商镇, 龙驹寨街道

# Hand-written: pinyin libraries read 柞水 as "zuoshui"; locals say "zhashui".
COUNTY_SLUGS = {
    "611002": "shangzhou",
    "611021": "luonan",
    "611022": "danfeng",
    "611023": "shangnan",
    "611024": "shanyang",
    "611025": "zhenan",
    "611026": "zhashui",
}


@dataclass
class Account:
    username: str
    name: str
    role: str
    area: str


@dataclass
class SeedContext:
    scale: str
    data_dir: Path
    counties: list[str]
    # "full": every grid of the demo county; "sample": 商镇 and 龙驹寨街道 only
    # (what the test suite uses); "none".
    population: str = "full"
    root: AreaRecord | None = None
    settlement: Settlement | None = None  # the demo's households and the grids cut from them
    lines: list[str] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.lines.append(text)


def demo_seed(*, scale: str = "county", data_dir: Path, population: str = "full") -> SeedContext:
    """Build the demo. Runs in one transaction; the caller decides whether
    it commits (the command is dry unless ``--commit``)."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    if population not in POPULATIONS:
        raise ValueError(f"population must be one of {POPULATIONS}")
    counties = [DEMO_COUNTY] if scale == "county" else list(COUNTY_ADCODES)
    ctx = SeedContext(scale=scale, data_dir=data_dir, counties=counties, population=population)
    with transaction.atomic():
        for step in STEPS:
            step(ctx)
    return ctx


def seed_territory(ctx: SeedContext) -> None:
    root = build_tree(ctx.data_dir)
    attach_boundaries(root, ctx.data_dir)
    ctx.settlement = settle_counties(root, ctx.counties)  # grids partitioned from households
    report = area_tree_sync(actor=None, root=root)
    ctx.root = root
    levels = Counter(rec.level for rec in walk(root))
    ctx.say(
        "区划:"
        + ",".join(f"{k} {v}" for k, v in levels.items())
        + f"(新建 {report.created},更新 {report.updated},未变 {report.unchanged})"
    )


def seed_categories(ctx: SeedContext) -> None:
    installed = categories_install()
    levels = dict(Category.objects.values_list("level").annotate(n=Count("id")).order_by("level"))
    ctx.say(
        "事项分类:"
        + "、".join(f"{level} 级 {n} 类" for level, n in levels.items())
        + f"(新建 {installed.created})"
    )


def _unit_specs(ctx: SeedContext, areas: dict[str, Area]) -> list[tuple[str, str, str, Area]]:
    """(code, name, kind, area) for every unit of the counties in scope."""
    assert ctx.root is not None
    city = areas[CITY_CODE]
    specs: list[tuple[str, str, str, Area]] = [
        (f"CC-{city.code}", f"{city.name}基层智控平台指挥中心", UnitKind.COMMAND_CENTRE, city)
    ]
    for county_rec in ctx.root.children:
        if county_rec.county_code not in ctx.counties:
            continue
        county = areas[county_rec.code]
        specs.append(
            (f"CC-{county.code}", f"{county.name}指挥中心", UnitKind.COMMAND_CENTRE, county)
        )
        for slug, name, _cats in DEPARTMENTS:
            specs.append(
                (
                    f"D-{county.county_code}-{slug}",
                    f"{county.name}{name}",
                    UnitKind.DEPARTMENT,
                    county,
                )
            )
        for rec in walk(county_rec):
            area = areas[rec.code]
            if rec.level == "town":
                office = "办事处" if rec.form == "street" else "人民政府"
                specs.append((f"T-{rec.code}", f"{area.name}{office}", UnitKind.TOWN_OFFICE, area))
            elif rec.level == "village":
                committee = "居民委员会" if rec.form == "community" else "村民委员会"
                specs.append(
                    (f"V-{rec.code}", f"{area.name}{committee}", UnitKind.VILLAGE_COMMITTEE, area)
                )
            elif rec.level == "grid":
                specs.append((f"G-{rec.code}", area.name, UnitKind.GRID, area))
    return specs


def seed_units(ctx: SeedContext) -> None:
    areas = {a.code: a for a in Area.objects.defer("geometry")}
    specs = _unit_specs(ctx, areas)
    existing = set(Unit.objects.values_list("code", flat=True))
    Unit.objects.bulk_create(
        [Unit(code=c, name=n, kind=k, area=a) for c, n, k, a in specs if c not in existing],
        batch_size=1000,
    )
    cats = {c.code: c for c in Category.objects.all()}
    for county in ctx.counties:
        for slug, _name, codes in DEPARTMENTS:
            unit = Unit.objects.get(code=f"D-{county}-{slug}")
            unit.categories.set([cats[c] for c in codes])
    kinds = Counter(k for _c, _n, k, _a in specs)
    ctx.say("单位:" + ",".join(f"{UnitKind(k).label} {v}" for k, v in kinds.items()))


def _town_slugs(root: AreaRecord) -> dict[str, str]:
    """Pinyin usernames for town dispatchers, unique across the whole city
    (so they do not change with the scale): 商镇 → shangzhen, prefixed with
    the county where two towns would collide."""
    towns = [t for c in root.children for t in c.children]
    plain = {t.code: "".join(lazy_pinyin(t.name)) for t in towns}
    counts = Counter(plain.values())
    return {
        code: (s if counts[s] == 1 else f"{COUNTY_SLUGS[code[:6]]}_{s}")
        for code, s in plain.items()
    }


def seed_users(ctx: SeedContext) -> None:
    assert ctx.root is not None
    areas = {a.code: a for a in Area.objects.defer("geometry")}
    units = {u.code: u for u in Unit.objects.all()}
    town_slugs = _town_slugs(ctx.root)
    # (username, display name, role, area code, unit code or None)
    wanted: list[tuple[str, str, str, str, str | None]] = [
        ("admin", "系统管理员", Role.ADMINISTRATOR, CITY_CODE, None),
        ("shangluo_command", demo_name("shangluo_command"), Role.COMMAND_CENTRE, CITY_CODE, None),
        ("shangluo_org", demo_name("shangluo_org"), Role.ORGANISATION_STAFF, CITY_CODE, None),
    ]
    for county_rec in ctx.root.children:
        if county_rec.county_code not in ctx.counties:
            continue
        slug, code = COUNTY_SLUGS[county_rec.county_code], county_rec.code
        wanted += [
            (f"{slug}_admin", demo_name(f"{slug}_admin"), Role.ADMINISTRATOR, code, None),
            (f"{slug}_command", demo_name(f"{slug}_command"), Role.COMMAND_CENTRE, code, None),
            (f"{slug}_org", demo_name(f"{slug}_org"), Role.ORGANISATION_STAFF, code, None),
        ]
        for dept, _name, _cats in DEPARTMENTS:
            unit_code = f"D-{county_rec.county_code}-{dept}"
            wanted.append(
                (f"{slug}_{dept}", demo_name(unit_code), Role.DEPARTMENT_STAFF, code, unit_code)
            )
        for rec in walk(county_rec):
            if rec.level == "town":
                wanted.append(
                    (
                        f"{town_slugs[rec.code]}_dispatcher",
                        demo_name(rec.code),
                        Role.TOWN_DISPATCHER,
                        rec.code,
                        f"T-{rec.code}",
                    )
                )
                wanted.append(
                    (
                        f"{town_slugs[rec.code]}_sifa",
                        demo_name(f"sifa-{rec.code}"),
                        Role.JUDICIAL_OFFICER,
                        rec.code,
                        None,
                    )
                )
            elif rec.level == "village":
                wanted.append(
                    (
                        f"sj{rec.code}",
                        demo_name(rec.code),
                        Role.VILLAGE_SECRETARY,
                        rec.code,
                        f"V-{rec.code}",
                    )
                )
            elif rec.level == "zone":
                wanted.append(
                    (f"pz{rec.code}", demo_name(rec.code), Role.ZONE_HEAD, rec.code, None)
                )
            elif rec.level == "grid":
                wanted.append(
                    (
                        f"wg{rec.code}",
                        demo_name(rec.code),
                        Role.GRID_WORKER,
                        rec.code,
                        f"G-{rec.code}",
                    )
                )
    # One argon2 hash shared by every demo account: hashing thousands of
    # passwords one by one would take minutes, and these are demo accounts.
    password = make_password(DEMO_PASSWORD)
    existing = set(User.objects.values_list("username", flat=True))
    new_users = [
        User(
            username=u,
            display_name=n,
            password=password,
            is_staff=(u == "admin"),
            is_superuser=(u == "admin"),
        )
        for u, n, _r, _a, _unit in wanted
        if u not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    users = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted])}
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=users[u], role=r, area=areas[a], unit=units.get(unit or ""))
            for u, _n, r, a, unit in wanted
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    roles = Counter(r for _u, _n, r, _a, _unit in wanted)
    ctx.say(
        "用户:"
        + ",".join(f"{Role(r).label} {v}" for r, v in roles.items())
        + f"(新建 {len(new_users)})"
    )
    audit_record(
        actor=None,
        action="demo.seed",
        object_type="demo",
        object_id=ctx.scale,
        changes={"users_created": len(new_users), "roles": dict(roles)},
    )
    ctx.accounts = _showcase(wanted, areas)


def _showcase(
    wanted: list[tuple[str, str, str, str, str | None]], areas: dict[str, Area]
) -> list[Account]:
    """The accounts worth printing: one of each role, all of 丹凤's towns,
    and 商镇保定村 down to a grid. The rest follow the printed patterns."""
    baoding = "611022109223"  # 商镇保定村, named in the model article
    picked: list[Account] = []
    seen_roles: set[str] = set()
    for u, n, r, a, _unit in wanted:
        show = (
            r not in seen_roles
            or r in (Role.ADMINISTRATOR, Role.COMMAND_CENTRE, Role.ORGANISATION_STAFF)
            or (r == Role.TOWN_DISPATCHER and a.startswith(DEMO_COUNTY))
            or a == baoding
            or a == baoding + "001"
        )
        if show:
            picked.append(Account(u, n, Role(r).label, areas[a].name))
            seen_roles.add(r)
    return picked


def seed_colour_rules(ctx: SeedContext) -> None:
    existing = set(ColourRule.objects.values_list("code", flat=True))
    new = [
        ColourRule(
            code=r["code"], colour=r["colour"], reason=r["reason"], when=r["when"], position=i
        )
        for i, r in enumerate(DEFAULT_RULES)
        if r["code"] not in existing
    ]
    ColourRule.objects.bulk_create(new)
    for colour, days in DEFAULT_VISIT_INTERVALS.items():
        VisitInterval.objects.get_or_create(colour=colour, defaults={"days": days})
    ctx.say(f"颜色规则:{len(DEFAULT_RULES)} 条(新建 {len(new)})")


def seed_people(ctx: SeedContext) -> None:
    if ctx.population == "none":
        return
    grids = Area.objects.filter(level="grid", is_active=True, county_code=DEMO_COUNTY)
    if ctx.population == "sample":
        q = Q()
        for town in SAMPLE_TOWNS:
            q |= Q(code__startswith=town)
        grids = grids.filter(q)
    totals = seed_population(
        grids.order_by("code"), ctx.settlement.households_at if ctx.settlement else None
    )
    leads = seed_lead_households(grids)
    have = Household.objects.filter(county_code=DEMO_COUNTY).count()
    people = Person.objects.filter(county_code=DEMO_COUNTY).count()
    ctx.say(
        f"人口:{have} 户,{people} 人(本次新建 {totals['households']} 户,{totals['persons']} 人,"
        f"党员中心户 {leads} 个)"
    )
    if totals["households"]:
        audit_record(
            actor=None,
            action="demo.seed_people",
            object_type="demo",
            object_id=ctx.population,
            changes=totals,
        )


def seed_requests(ctx: SeedContext) -> None:
    """A year of requests for the full demo county. The test suite's sample
    gets none: its tests count requests, queues and timelines of their own."""
    if ctx.population != "full":
        ctx.say("诉求历史:样例或无人口,不生成")
        return
    grids = Area.objects.filter(level="grid", is_active=True, county_code=DEMO_COUNTY)
    ctx.say(request_history_seed(grids).line())


STEPS: list[Callable[[SeedContext], None]] = [
    seed_territory,
    seed_categories,
    seed_units,
    seed_users,
    lambda ctx: ctx.say(gridwork_line(seed_gridwork(ctx.counties))),
    seed_colour_rules,
    seed_people,
    seed_grid_generations,
    seed_requests,
    seed_disputes,
    seed_tasks,
    seed_field_history,
    seed_open311,
]
