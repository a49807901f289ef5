#include "btree_page.hpp"

#include <cstring>

namespace admit::replica::detail {

namespace {

constexpr std::size_t kPage1HeaderBytes = 100;  // the database header before page 1's b-tree

std::uint16_t readBig16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t readBig32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

// SQLite's variable-length integer: 1 to 9 bytes, big-endian, 7 bits per byte except the ninth.
bool readVarint(ByteView bytes, std::size_t& pos, std::uint64_t& out) {
    std::uint64_t value = 0;
    for (int i = 0; i < 9; ++i) {
        if (pos >= bytes.size()) return false;
        const std::uint8_t b = bytes[pos++];
        if (i == 8) {
            out = (value << 8) | b;
            return true;
        }
        value = (value << 7) | (b & 0x7fu);
        if ((b & 0x80u) == 0) {
            out = value;
            return true;
        }
    }
    return false;
}

// How much of a payload of `size` bytes is stored on the page (fileformat2.html, 1.6).
std::uint64_t localPayload(std::uint64_t size, std::uint32_t usable, bool tableLeaf) {
    const std::uint64_t u = usable;
    const std::uint64_t maxLocal = tableLeaf ? u - 35 : (u - 12) * 64 / 255 - 23;
    if (size <= maxLocal) return size;
    const std::uint64_t minLocal = (u - 12) * 32 / 255 - 23;
    const std::uint64_t k = minLocal + (size - minLocal) % (u - 4);
    return k <= maxLocal ? k : minLocal;
}

// Bytes of the serial type's value, or nullopt for the reserved types 10 and 11.
std::optional<std::uint64_t> valueBytes(std::uint64_t type) {
    static constexpr std::uint64_t kFixed[] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0};
    if (type < 10) return kFixed[type];
    if (type < 12) return std::nullopt;
    return (type - 12) / 2;
}

std::int64_t readSignedBig(const std::uint8_t* p, std::size_t n) {
    std::uint64_t v = (p[0] & 0x80u) != 0 ? ~std::uint64_t{0} : 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
    return static_cast<std::int64_t>(v);
}

}  // namespace

std::optional<BtreePage> parseBtreePage(ByteView page, std::uint32_t pgno, std::uint32_t usable) {
    const std::size_t start = pgno == 1 ? kPage1HeaderBytes : 0;
    if (usable > page.size() || usable < 480 || start + 12 > usable) return std::nullopt;
    BtreePage out;
    switch (page[start]) {
        case 0x02:
            out.kind = BtreeKind::Index;
            out.leaf = false;
            break;
        case 0x05:
            out.kind = BtreeKind::Table;
            out.leaf = false;
            break;
        case 0x0a:
            out.kind = BtreeKind::Index;
            out.leaf = true;
            break;
        case 0x0d:
            out.kind = BtreeKind::Table;
            out.leaf = true;
            break;
        default:
            return std::nullopt;
    }
    const std::size_t headerBytes = out.leaf ? 8 : 12;
    const std::size_t cells = readBig16(page.data() + start + 3);
    const std::size_t pointers = start + headerBytes;
    if (pointers + 2 * cells > usable) return std::nullopt;
    if (!out.leaf) {
        out.rightChild = readBig32(page.data() + start + 8);
        if (out.rightChild == 0) return std::nullopt;
    }
    out.cellOffsets.reserve(cells);
    for (std::size_t i = 0; i < cells; ++i) {
        const std::uint16_t offset = readBig16(page.data() + pointers + 2 * i);
        if (offset < pointers + 2 * cells || offset >= usable) return std::nullopt;
        out.cellOffsets.push_back(offset);
    }
    return out;
}

std::optional<Cell> parseCell(ByteView page, const BtreePage& btree, std::size_t index,
                              std::uint32_t usable) {
    if (index >= btree.cellOffsets.size() || usable > page.size()) return std::nullopt;
    const ByteView area = page.first(usable);
    std::size_t pos = btree.cellOffsets[index];
    Cell cell;
    if (!btree.leaf) {
        if (pos + 4 > area.size()) return std::nullopt;
        cell.leftChild = readBig32(area.data() + pos);
        if (cell.leftChild == 0) return std::nullopt;
        pos += 4;
    }
    const bool tableKind = btree.kind == BtreeKind::Table;
    if (tableKind && !btree.leaf) {
        std::uint64_t key = 0;
        if (!readVarint(area, pos, key)) return std::nullopt;
        cell.rowid = static_cast<std::int64_t>(key);
        return cell;
    }
    if (!readVarint(area, pos, cell.payloadSize)) return std::nullopt;
    if (tableKind) {
        std::uint64_t rowid = 0;
        if (!readVarint(area, pos, rowid)) return std::nullopt;
        cell.rowid = static_cast<std::int64_t>(rowid);
    }
    cell.hasPayload = true;
    const std::uint64_t local = localPayload(cell.payloadSize, usable, tableKind && btree.leaf);
    if (local > area.size() - pos) return std::nullopt;
    cell.local = area.subspan(pos, static_cast<std::size_t>(local));
    pos += static_cast<std::size_t>(local);
    if (local < cell.payloadSize) {
        if (pos + 4 > area.size()) return std::nullopt;
        cell.firstOverflow = readBig32(area.data() + pos);
        if (cell.firstOverflow == 0) return std::nullopt;
    }
    return cell;
}

std::optional<std::vector<std::uint64_t>> recordSerialTypes(ByteView payload) {
    std::size_t pos = 0;
    std::uint64_t headerSize = 0;
    if (!readVarint(payload, pos, headerSize)) return std::nullopt;
    if (headerSize < pos || headerSize > payload.size()) return std::nullopt;
    const ByteView header = payload.first(static_cast<std::size_t>(headerSize));
    std::vector<std::uint64_t> types;
    while (pos < header.size()) {
        std::uint64_t type = 0;
        if (!readVarint(header, pos, type) || !valueBytes(type)) return std::nullopt;
        types.push_back(type);
    }
    return types;
}

std::optional<std::vector<Value>> decodeRecord(ByteView payload) {
    auto types = recordSerialTypes(payload);
    if (!types) return std::nullopt;
    std::size_t pos = 0;
    std::uint64_t headerSize = 0;
    readVarint(payload, pos, headerSize);
    pos = static_cast<std::size_t>(headerSize);
    std::vector<Value> values;
    values.reserve(types->size());
    for (std::uint64_t type : *types) {
        const std::uint64_t n = *valueBytes(type);
        if (n > payload.size() - pos) return std::nullopt;
        const std::uint8_t* p = payload.data() + pos;
        const auto count = static_cast<std::size_t>(n);
        Value v;
        if (type == 0) {
            v.type = Value::Type::Null;
        } else if (type <= 6) {
            v.type = Value::Type::Integer;
            v.integer = readSignedBig(p, count);
        } else if (type == 7) {
            v.type = Value::Type::Real;
            std::uint64_t bits = 0;
            for (std::size_t i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
            std::memcpy(&v.real, &bits, sizeof v.real);
        } else if (type == 8 || type == 9) {
            v.type = Value::Type::Integer;
            v.integer = type == 9 ? 1 : 0;
        } else {
            v.type = type % 2 == 0 ? Value::Type::Blob : Value::Type::Text;
            v.bytes.assign(reinterpret_cast<const char*>(p), count);
        }
        values.push_back(std::move(v));
        pos += count;
    }
    return values;
}

}  // namespace admit::replica::detail
