"""Synthetic matchmaking events whose true fit is known: each buyer's real needs are hidden in
noisy profile lists and text, written as people write them (English or Vietnamese, with or
without accents, synonyms, certificates with years), for the matching benchmark.

The surface forms here are written independently of scheduler/matching/vocabulary.py, and
some of them on purpose are not in it: the benchmark measures the vocabulary's coverage too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Hidden product -> (sector, English forms, Vietnamese forms).
CATALOGUE: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "springs": ("auto-parts", ("springs", "coil springs", "compression springs", "precision springs", "leaf springs"), ("lò xo", "lo xo", "LÒ XO NÉN", "lò xo xoắn", "nhíp lá")),
    "harnesses": ("auto-parts", ("wire harnesses", "wiring harness", "automotive harnesses", "cable harness"), ("bó dây điện", "bo day dien", "dây điện ô tô")),
    "stampings": ("auto-parts", ("stamped brackets", "metal stamping", "pressed steel parts", "stamping parts"), ("chi tiết dập", "dập kim loại", "chi tiet dap", "giá đỡ dập")),
    "seals": ("auto-parts", ("rubber seals", "oil seals", "O-rings", "sealing parts"), ("phớt cao su", "phớt chặn dầu", "gioăng phớt")),
    "coils": ("electronics", ("coils", "ignition coils", "inductors", "copper coils", "winding coils"), ("cuộn dây", "cuộn cảm", "cuon day dong")),
    "pcba": ("electronics", ("PCB assembly", "PCBA", "SMT assembly", "printed circuit boards", "EMS services"), ("lắp ráp bảng mạch", "mạch in", "lắp ráp SMT", "bo mach dien tu")),
    "connectors": ("electronics", ("connectors", "terminals", "board connectors", "electrical connectors"), ("đầu nối", "giắc cắm", "dau noi dien")),
    "cables": ("electronics", ("cable assemblies", "cables", "signal cables", "power cords"), ("cụm dây cáp", "dây cáp điện", "cap tin hieu")),
    "leds": ("electronics", ("LED modules", "LED lighting", "LED boards"), ("mô-đun LED", "đèn LED", "module led")),
    "machining": ("mechanical", ("CNC machined parts", "CNC machining", "precision machining", "turned parts", "milling parts"), ("gia công CNC", "gia công cơ khí chính xác", "tiện phay CNC", "gia cong chinh xac")),
    "moulds": ("mechanical", ("moulds and dies", "injection molds", "press dies", "tooling"), ("khuôn mẫu", "khuôn ép nhựa", "khuon dap", "chế tạo khuôn")),
    "fasteners": ("mechanical", ("fasteners", "bolts and nuts", "screws", "rivets"), ("bu lông ốc vít", "ốc vít", "bulong dai oc", "đinh tán")),
    "castings": ("mechanical", ("castings", "aluminium die casting", "die-cast parts", "iron castings"), ("đúc nhôm", "chi tiết đúc", "đúc áp lực", "duc gang")),
    "gears": ("mechanical", ("gears", "sprockets", "gear parts", "transmission gears"), ("bánh răng", "nhông xích", "banh rang")),
    "injection": ("plastics-rubber", ("injection moulded parts", "plastic injection", "injection molding", "plastic parts"), ("ép nhựa", "chi tiết nhựa ép phun", "ep phun nhua", "linh kiện nhựa")),
    "gaskets": ("plastics-rubber", ("rubber gaskets", "gaskets", "silicone gaskets"), ("gioăng cao su", "ron cao su", "gioang silicone")),
    "housings": ("plastics-rubber", ("plastic housings", "enclosures", "plastic cases"), ("vỏ nhựa", "vỏ hộp nhựa", "vo nhua")),
    "foam": ("plastics-rubber", ("foam parts", "EVA foam", "PU foam parts"), ("mút xốp", "xốp EVA", "mut xop")),
    "zippers": ("textile-garment", ("zippers", "zip fasteners", "nylon zippers"), ("khóa kéo", "dây kéo", "khoa keo")),
    "labels": ("textile-garment", ("woven labels", "garment labels", "care labels"), ("nhãn dệt", "nhãn mác", "nhan mac quan ao")),
    "interlinings": ("textile-garment", ("interlinings", "fusible interlining"), ("mex dựng", "keo dựng", "vải lót")),
    "elastic": ("textile-garment", ("elastic tape", "elastic bands", "webbing"), ("dây thun", "chun bản", "day thun")),
    "buttons": ("textile-garment", ("buttons", "snap buttons", "metal buttons"), ("cúc áo", "nút áo", "khuy")),
    "syringes": ("medical-devices", ("disposable syringes", "syringes", "needles"), ("bơm kim tiêm", "bơm tiêm dùng một lần", "kim tiem")),
    "tubing": ("medical-devices", ("medical tubing", "IV tubing", "catheters"), ("ống y tế", "dây truyền dịch", "ong dan y te")),
    "trays": ("medical-devices", ("plastic trays", "blister trays", "thermoformed trays"), ("khay nhựa", "vỉ nhựa", "khay dinh hinh")),
    "sterile": ("medical-devices", ("sterile packaging", "sterile pouches", "medical pouches"), ("bao bì vô trùng", "túi tiệt trùng", "bao bi y te")),
    "cartons": ("packaging", ("cartons", "corrugated boxes", "shipping boxes"), ("thùng carton", "hộp giấy", "thung giay")),
    "inserts": ("packaging", ("foam inserts", "protective packaging", "packaging foam"), ("xốp chèn", "mút chèn hàng", "xop dong goi")),
    "pallets": ("packaging", ("pallets", "wooden pallets", "plastic pallets"), ("pallet gỗ", "pa-lét nhựa", "pallet nhua")),
    "printed": ("packaging", ("printed labels", "barcode labels", "stickers"), ("tem nhãn", "nhãn in", "decal dán")),
}  # fmt: skip
SECTOR_NAMES: dict[str, tuple[str, ...]] = {
    "auto-parts": ("automotive", "auto parts", "phụ tùng ô tô", "linh kiện ô tô"),
    "electronics": ("electronics", "điện tử", "linh kiện điện tử"),
    "mechanical": ("mechanical", "precision engineering", "cơ khí", "cơ khí chính xác"),
    "plastics-rubber": ("plastics", "rubber", "nhựa", "cao su"),
    "textile-garment": ("garment", "textiles", "dệt may", "phụ liệu may"),
    "medical-devices": ("medical", "thiết bị y tế"),
    "packaging": ("packaging", "bao bì"),
}
SECTORS = tuple(SECTOR_NAMES)
DEMANDING = ("IATF 16949", "ISO 13485", "ISO 14001")
CERT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "ISO 9001": ("ISO 9001:2015", "ISO9001", "iso 9001", "Chứng nhận ISO 9001:2015"),
    "IATF 16949": ("IATF16949", "IATF 16949:2016", "iatf 16949"),
    "ISO 13485": ("ISO 13485:2016", "ISO13485"),
    "ISO 14001": ("ISO 14001:2015", "ISO14001"),
}
GENERIC_OFFERS = (
    "OEM parts", "high quality products", "custom components", "sản phẩm chất lượng cao",
    "gia công theo yêu cầu", "various industrial parts",
)  # fmt: skip
FILLER_EN = (
    "Founded in 2008 in Bac Ninh, we serve FDI customers with on-time delivery.",
    "Our factory has 120 workers and a quality lab.",
    "We look for long-term partners in Vietnam.",
    "Localisation of our supply chain is a priority this year.",
)
FILLER_VI = (
    "Công ty thành lập năm 2010 tại Hà Nội, phục vụ khách hàng FDI.",
    "Nhà máy rộng 5.000 m2 với đội ngũ kỹ sư giàu kinh nghiệm.",
    "Chúng tôi mong muốn trở thành nhà cung cấp cấp 1.",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FitSpec:
    """One setting of the generator."""

    name: str
    buyers: int = 60
    suppliers: int = 300
    noise: float = 0.3  # 0 clean .. 1 very noisy profiles
    qualified: float = 0.15  # share of suppliers holding each demanding certification
    vietnamese: float = 0.5  # share of supplier text in Vietnamese (buyers: half as often)
    listed: float = 1.0  # share of buyers who list needed products and sectors (others only
    # describe them in prose, as the demo event's buyers state only certifications)
    seed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class FitEvent:
    """Organisations as b2b-event/1 objects (with `looking_for`, `products`, `description`),
    the event's interpreters, and the hidden truth: buyer id -> ids of suppliers that fit."""

    organisations: tuple[dict[str, object], ...]
    interpreters: tuple[str, ...]
    fits: dict[str, frozenset[str]]


def generate(spec: FitSpec) -> FitEvent:
    rng = random.Random(f"{spec.name}:{spec.seed}")
    n = spec.noise
    by_sector = {s: [p for p, (sec, _, _) in CATALOGUE.items() if sec == s] for s in SECTORS}

    def form(product: str, vietnamese: float) -> str:
        _, en, vi = CATALOGUE[product]
        return rng.choice(vi if rng.random() < vietnamese else en)

    def cert(name: str) -> str:
        return rng.choice(CERT_SPELLINGS[name]) if rng.random() < n else name

    def sector_name(sector: str, vietnamese: float) -> str:
        if rng.random() < 0.5 + n / 2:
            return sector
        names = SECTOR_NAMES[sector]
        vi = [x for x in names if not x.isascii()]
        en = [x for x in names if x.isascii()]
        return rng.choice(vi if vi and rng.random() < vietnamese else en)

    orgs: list[dict[str, object]] = []
    suppliers: list[tuple[str, frozenset[str], frozenset[str]]] = []
    for i in range(spec.suppliers):
        sectors = rng.sample(SECTORS, rng.choice((1, 1, 2)))
        makes = rng.sample(
            by_sector[sectors[0]], min(len(by_sector[sectors[0]]), rng.randint(1, 3))
        )
        if len(sectors) > 1:
            makes.append(rng.choice(by_sector[sectors[1]]))
        held = {"ISO 9001"} if rng.random() < 0.55 else set()
        for name in DEMANDING:
            if rng.random() < spec.qualified:
                held.add(name)
        if "IATF 16949" in held:
            held.add("ISO 9001")  # IATF 16949 certification presupposes an ISO 9001 system
        listed_certs = [cert(c) for c in sorted(held) if rng.random() >= n / 4]
        vi = spec.vietnamese
        listed = [form(p, vi) for p in makes if rng.random() >= n / 2]
        prose = [form(p, vi) for p in makes if rng.random() < 0.5]
        if rng.random() < n:
            listed.append(rng.choice(GENERIC_OFFERS))
        if rng.random() < n / 2:  # a product it trades but does not make
            listed.append(form(rng.choice(list(CATALOGUE)), vi))
        language = rng.random() < vi
        description = " ".join(
            [rng.choice(FILLER_VI if language else FILLER_EN)]
            + (
                [("Chuyên sản xuất " if language else "We make ") + ", ".join(prose) + "."]
                if prose
                else []
            )
        )
        languages = (
            ["vi"]
            + (["en"] if rng.random() < 0.5 else [])
            + (["ja"] if rng.random() < 0.05 else [])
        )
        looking_for: dict[str, list[str]] = {}
        if rng.random() < 0.4:
            looking_for["sectors"] = [sector_name(s, vi) for s in sectors]
        if rng.random() < 0.2:
            looking_for["countries"] = rng.sample(["JP", "KR", "US", "DE", "TW"], 2)
        oid = f"S{i + 1:03d}"
        orgs.append(
            {
                "id": oid,
                "name": f"Supplier {i + 1}",
                "role": "supplier",
                "country": "VN",
                "sectors": [sector_name(s, vi) for s in sectors if rng.random() >= n / 3],
                "certifications": listed_certs,
                "languages": languages,
                "products": listed,
                "description": description,
                **({"looking_for": looking_for} if looking_for else {}),
            }
        )
        suppliers.append((oid, frozenset(makes), frozenset(held)))

    fits: dict[str, frozenset[str]] = {}
    countries = (("KR", "ko"), ("JP", "ja"), ("US", "en"), ("DE", "de"), ("TW", "zh"))
    for i in range(spec.buyers):
        sectors = rng.sample(SECTORS, rng.choice((1, 1, 2)))
        pool = [p for s in sectors for p in by_sector[s]]
        needs = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        if rng.random() < 0.2:  # a need outside its own sectors
            needs.append(rng.choice([p for p in CATALOGUE if p not in pool]))
        required = {"ISO 9001"}
        if "auto-parts" in sectors and rng.random() < 0.6:
            required = {"IATF 16949"}
        if "medical-devices" in sectors:
            required = {"ISO 13485"}
        if rng.random() < 0.2:
            required.add("ISO 14001")
        vi = spec.vietnamese / 2
        lists = rng.random() < spec.listed
        stated = [form(p, vi) for p in needs if rng.random() >= n / 2]
        others = [p for p in pool if p not in needs]
        # named, but not what it really sources here
        decoys = [
            form(p, vi) for p in rng.sample(others, min(len(others), round(n * 3 * rng.random())))
        ]
        if lists:
            stated += decoys
            mentioned = [form(p, vi) for p in needs if rng.random() < 0.6]
        else:  # every real need is described, and so are the decoys
            stated = []
            mentioned = [form(p, vi) for p in needs] + decoys
            rng.shuffle(mentioned)
        language = rng.random() < vi
        description = " ".join(
            [rng.choice(FILLER_VI if language else FILLER_EN)]
            + (
                [("Chúng tôi cần mua " if language else "We source ") + ", ".join(mentioned) + "."]
                if mentioned
                else []
            )
        )
        country, lang = rng.choice(countries)
        oid = f"B{i + 1:03d}"
        orgs.append(
            {
                "id": oid,
                "name": f"Buyer {i + 1}",
                "role": "buyer",
                "country": country,
                "sectors": [sector_name(s, vi) for s in sectors],
                "certifications": ["ISO 9001"],
                "languages": [lang, "en"] if lang != "en" else ["en"],
                "description": description,
                "looking_for": {
                    "sectors": [sector_name(s, vi) for s in sectors] if lists else [],
                    "products": stated,
                    "certifications": [cert(c) for c in sorted(required)],
                },
            }
        )
        fits[oid] = frozenset(
            sid for sid, makes, held in suppliers if makes & set(needs) and required <= held
        )
    return FitEvent(organisations=tuple(orgs), interpreters=("ja", "ko"), fits=fits)
