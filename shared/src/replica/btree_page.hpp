#pragma once
// Reads SQLite b-tree pages, cells and records from decrypted page images, for salvaging a
// damaged replica without SQLite (https://www.sqlite.org/fileformat2.html, sections 1.6 and
// 2.1). Every offset is checked against the page: a page that does not parse is refused, never
// read past. Internal to admit_replica.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "admit/base/bytes.hpp"

namespace admit::replica::detail {

enum class BtreeKind { Table, Index };

struct BtreePage {
    BtreeKind kind = BtreeKind::Table;
    bool leaf = true;
    std::uint32_t rightChild = 0;            // interior pages only
    std::vector<std::uint16_t> cellOffsets;  // from the start of the page
};

// Parses the b-tree page header and cell pointer array of `page` (page 1's header is at byte
// 100). `usable` is the page size less the reserved bytes. nullopt: not a b-tree page.
std::optional<BtreePage> parseBtreePage(ByteView page, std::uint32_t pgno, std::uint32_t usable);

struct Cell {
    std::uint32_t leftChild = 0;  // interior pages
    std::int64_t rowid = 0;       // table pages: the rowid (leaf) or the key (interior)
    bool hasPayload = false;      // false for table interior cells
    std::uint64_t payloadSize = 0;
    ByteView local;                   // the payload bytes stored on the page
    std::uint32_t firstOverflow = 0;  // 0 if the payload is all local
};

// The cell at `index`, or nullopt if it does not fit the page.
std::optional<Cell> parseCell(ByteView page, const BtreePage& btree, std::size_t index,
                              std::uint32_t usable);

// The payload bytes each overflow page carries (its first 4 bytes are the next page's number).
inline std::uint32_t overflowBytesPerPage(std::uint32_t usable) { return usable - 4; }

struct Value {
    enum class Type { Null, Integer, Real, Text, Blob };
    Type type = Type::Null;
    std::int64_t integer = 0;
    double real = 0;
    std::string bytes;  // text (UTF-8) or blob
};

// The serial types of a record's header, if the header lies within `payload` (possibly only the
// local part of a payload: the header nearly always fits on the page).
std::optional<std::vector<std::uint64_t>> recordSerialTypes(ByteView payload);

// Decodes a whole record. nullopt: malformed.
std::optional<std::vector<Value>> decodeRecord(ByteView payload);

// Serial type classes, for comparing a record with a table's declared column types.
inline bool isNullType(std::uint64_t t) { return t == 0; }
inline bool isIntegerType(std::uint64_t t) { return (t >= 1 && t <= 6) || t == 8 || t == 9; }
inline bool isRealType(std::uint64_t t) { return t == 7; }
inline bool isTextType(std::uint64_t t) { return t >= 13 && t % 2 == 1; }
inline bool isBlobType(std::uint64_t t) { return t >= 12 && t % 2 == 0; }

}  // namespace admit::replica::detail
