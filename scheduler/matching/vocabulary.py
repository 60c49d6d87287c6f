"""The curated vocabulary of matchmaking: products, sectors and certifications in English and
Vietnamese.

Every label is folded (scheduler.text.fold) and its English plurals reduced before it is
compared, so write labels the natural way, with accents ("lò xo", "khuôn mẫu") and in the
singular or plural. To extend it:

- a new product: add a `Concept` to `PRODUCTS` with a unique `key` (its English name, shown
  in reasons), the sectors whose firms make it, and every label people use for it in either language;
- a new word for an existing product or sector: add it to that entry's `labels`;
- a product family (e.g. "electronic components"): list the family's key in `broader` of each
  member, so that a supplier of connectors also offers electronic components;
- a certification that includes another (IATF 16949 requires ISO 9001): add it to `IMPLIES`.

Two concepts must not share a label: the test suite checks it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Concept:
    key: str
    sectors: tuple[str, ...]  # the sectors whose firms make it
    labels: tuple[str, ...]
    broader: tuple[str, ...] = ()


SECTORS: dict[str, tuple[str, ...]] = {
    "auto-parts": (
        "auto-parts", "auto parts", "automotive", "automotive parts", "car parts",
        "motorcycle parts", "phụ tùng ô tô", "linh kiện ô tô", "ô tô", "xe máy",
        "phụ tùng xe máy", "công nghiệp ô tô",
    ),
    "electronics": (
        "electronics", "electronic", "electrical and electronics", "điện tử",
        "điện - điện tử", "điện điện tử", "linh kiện điện tử", "công nghiệp điện tử",
    ),
    "mechanical": (
        "mechanical", "mechanics", "metalworking", "metal working", "precision engineering",
        "cơ khí", "cơ khí chính xác", "gia công kim loại",
    ),
    "plastics-rubber": (
        "plastics-rubber", "plastics", "plastic", "rubber", "plastics and rubber",
        "nhựa", "cao su", "nhựa - cao su", "nhựa cao su",
    ),
    "textile-garment": (
        "textile-garment", "textile", "textiles", "garment", "garments", "apparel",
        "dệt may", "may mặc", "dệt", "phụ liệu may",
    ),
    "medical-devices": (
        "medical-devices", "medical devices", "medical", "healthcare", "thiết bị y tế", "y tế",
    ),
    "packaging": ("packaging", "bao bì", "đóng gói", "in ấn bao bì"),
}  # fmt: skip

PRODUCTS: tuple[Concept, ...] = (
    # auto-parts
    Concept(key="wire harnesses", sectors=("auto-parts", "electronics"), labels=(
        "wire harness", "wiring harness", "harness", "cable harness", "bó dây điện",
        "bó dây", "dây điện ô tô", "dây dẫn điện ô tô",
    ), broader=("electronic components",)),
    Concept(key="springs", sectors=("auto-parts",), labels=(
        "spring", "coil spring", "compression spring", "torsion spring", "extension spring",
        "flat spring", "lò xo", "lò xo xoắn", "lò xo nén", "lò xo lá",
    )),
    Concept(key="stamped parts", sectors=("auto-parts",), labels=(
        "stamped bracket", "stamped part", "stamping", "metal stamping", "pressed part",
        "pressed metal part", "sheet metal part", "chi tiết dập", "dập kim loại", "dập",
        "giá đỡ dập", "chi tiết dập kim loại", "gia công dập",
    )),
    Concept(key="rubber seals", sectors=("auto-parts", "plastics-rubber"), labels=(
        "rubber seal", "seal", "oil seal", "o-ring", "o ring", "phớt", "phớt cao su",
        "gioăng phớt", "vòng đệm cao su", "ron cao su",
    )),
    Concept(key="coils", sectors=("electronics", "auto-parts"), labels=(
        "coil", "inductor", "ignition coil", "winding", "electromagnetic coil", "cuộn dây",
        "cuộn cảm", "cuộn đánh lửa", "bobbin coil",
    ), broader=("electronic components",)),
    # electronics
    Concept(key="electronic components", sectors=("electronics",), labels=(
        "electronic component", "electronic part", "electronics component",
        "linh kiện điện tử", "linh kiện điện",
    )),
    Concept(key="PCB assembly", sectors=("electronics",), labels=(
        "pcb assembly", "pcba", "pcb", "printed circuit board", "printed circuit board assembly",
        "smt", "smt assembly", "circuit board", "bảng mạch", "bản mạch", "mạch in",
        "lắp ráp bảng mạch", "lắp ráp mạch in", "bo mạch", "lắp ráp smt",
    ), broader=("electronic components",)),
    Concept(key="connectors", sectors=("electronics",), labels=(
        "connector", "terminal", "plug", "socket connector", "đầu nối", "giắc cắm",
        "giắc nối", "cổng kết nối", "đầu cos",
    ), broader=("electronic components",)),
    Concept(key="cable assemblies", sectors=("electronics",), labels=(
        "cable assembly", "cable", "cabling", "cụm dây cáp", "dây cáp", "cáp điện",
        "dây cáp điện", "cáp tín hiệu",
    ), broader=("electronic components",)),
    Concept(key="LED modules", sectors=("electronics",), labels=(
        "led module", "led", "led lighting", "led light", "mô-đun led", "mô đun led",
        "module led", "đèn led",
    ), broader=("electronic components",)),
    # mechanical
    Concept(key="CNC machined parts", sectors=("mechanical",), labels=(
        "cnc machined part", "cnc machining", "cnc", "machined part", "machining",
        "precision machining", "precision machined part", "turned part", "milled part",
        "gia công cnc", "gia công cơ khí", "gia công chính xác", "chi tiết gia công",
        "tiện phay", "phay cnc", "tiện cnc",
    )),
    Concept(key="moulds and dies", sectors=("mechanical",), labels=(
        "mould", "mold", "moulds and dies", "molds and dies", "die", "tooling",
        "injection mould", "injection mold", "press die", "khuôn", "khuôn mẫu", "khuôn ép",
        "khuôn dập", "khuôn ép nhựa", "chế tạo khuôn",
    )),
    Concept(key="fasteners", sectors=("mechanical", "auto-parts"), labels=(
        "fastener", "bolt", "screw", "nut", "rivet", "washer", "bolts and nuts",
        "bu lông", "bulong", "ốc vít", "đai ốc", "vít", "đinh tán", "bu lông ốc vít",
    )),
    Concept(key="castings", sectors=("mechanical",), labels=(
        "casting", "die casting", "die-casting", "die cast", "die-cast part", "aluminium casting", "aluminum casting",
        "foundry", "cast part", "sản phẩm đúc", "chi tiết đúc", "đúc nhôm", "đúc áp lực", "đúc gang",
    )),
    Concept(key="gears", sectors=("mechanical",), labels=(
        "gear", "gearing", "sprocket", "bánh răng", "nhông", "bánh xích",
    )),
    # plastics-rubber
    Concept(key="injection moulded parts", sectors=("plastics-rubber",), labels=(
        "injection moulded part", "injection molded part", "injection moulding",
        "injection molding", "plastic injection", "plastic part", "moulded plastic part",
        "molded plastic part", "ép nhựa", "ép phun", "chi tiết nhựa", "chi tiết nhựa ép phun",
        "sản phẩm nhựa ép", "linh kiện nhựa",
    )),
    Concept(key="rubber gaskets", sectors=("plastics-rubber",), labels=(
        "rubber gasket", "gasket", "gioăng", "gioăng cao su", "ron", "đệm cao su",
    )),
    Concept(key="plastic housings", sectors=("plastics-rubber",), labels=(
        "plastic housing", "housing", "enclosure", "plastic enclosure", "plastic case",
        "vỏ nhựa", "vỏ hộp nhựa", "hộp nhựa",
    )),
    Concept(key="foam parts", sectors=("plastics-rubber",), labels=(
        "foam part", "foam", "eva foam", "pu foam", "sponge", "xốp", "mút", "mút xốp",
        "chi tiết xốp",
    )),
    # textile-garment
    Concept(key="zippers", sectors=("textile-garment",), labels=(
        "zipper", "zip", "zip fastener", "khóa kéo", "dây kéo", "phéc mơ tuya",
    )),
    Concept(key="garment labels", sectors=("textile-garment",), labels=(
        "label", "woven label", "garment label", "care label", "nhãn mác", "nhãn dệt",
        "nhãn quần áo", "mác",
    )),
    Concept(key="interlinings", sectors=("textile-garment",), labels=(
        "interlining", "fusible interlining", "lining", "mex", "keo dựng", "vải lót",
    )),
    Concept(key="elastic tape", sectors=("textile-garment",), labels=(
        "elastic tape", "elastic", "elastic band", "dây thun", "thun", "chun",
    )),
    Concept(key="buttons", sectors=("textile-garment",), labels=(
        "button", "snap button", "cúc", "cúc áo", "nút áo", "khuy",
    )),
    # medical-devices
    Concept(key="disposable syringes", sectors=("medical-devices",), labels=(
        "disposable syringe", "syringe", "needle", "bơm tiêm", "bơm kim tiêm", "kim tiêm",
        "bơm tiêm dùng một lần",
    )),
    Concept(key="medical tubing", sectors=("medical-devices",), labels=(
        "tubing", "tube", "medical tubing", "catheter", "ống dẫn", "ống y tế",
        "dây truyền dịch", "ống nhựa y tế",
    )),
    Concept(key="plastic trays", sectors=("medical-devices",), labels=(
        "plastic tray", "tray", "blister", "thermoformed tray", "khay", "khay nhựa",
        "vỉ nhựa",
    )),
    Concept(key="sterile packaging", sectors=("medical-devices",), labels=(
        "sterile packaging", "sterile pouch", "medical packaging", "bao bì vô trùng",
        "túi tiệt trùng", "bao bì y tế",
    )),
    # packaging
    Concept(key="cartons", sectors=("packaging",), labels=(
        "carton", "corrugated box", "corrugated carton", "box", "paper box", "thùng carton",
        "hộp carton", "thùng giấy", "hộp giấy", "bao bì carton",
    )),
    Concept(key="foam inserts", sectors=("packaging",), labels=(
        "foam insert", "protective foam", "packaging foam", "xốp chèn", "xốp đóng gói",
        "mút chèn",
    )),
    Concept(key="pallets", sectors=("packaging",), labels=(
        "pallet", "wooden pallet", "plastic pallet", "pa lét", "pa-lét", "kệ pallet",
    )),
    Concept(key="printed labels", sectors=("packaging",), labels=(
        "printed label", "sticker", "barcode label", "adhesive label", "tem nhãn", "nhãn in",
        "tem in", "decal", "tem dán",
    )),
)  # fmt: skip

# Certification -> certifications it includes (holding the first satisfies the others).
IMPLIES: dict[str, tuple[str, ...]] = {
    "IATF 16949": ("ISO 9001",),
    "AS 9100": ("ISO 9001",),
}

# Words that say nothing about what a firm makes ("parts", "sản phẩm"); ignored when a
# product that is not in the vocabulary is compared word by word.
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "and", "or", "of", "for", "the", "a", "an", "with", "in", "to", "other", "all",
        "part", "parts", "product", "products", "component", "components", "item", "items",
        "supply", "supplier", "service", "services", "manufacturing", "production", "oem",
        "odm", "custom", "quality", "high", "precision", "various", "type", "types",
        "va", "cac", "san", "pham", "chi", "tiet", "linh", "kien", "cung", "cap", "dich",
        "vu", "san xuat", "loai", "cho",
    }
)  # fmt: skip
