#pragma once
// Text folded for search: lower case, and the accents of Latin letters taken off, so that
// "jose" finds "José", "muller" finds "Müller" and "lodz" finds "Łódź" ("ß" becomes "ss", "Æ"
// "ae"). Covers Latin-1, Latin Extended-A, the Romanian comma letters and combining accents;
// Greek and Cyrillic capitals are lowered; anything else is kept as it is. Control characters
// are dropped (a query can then never span two indexed fields). Invalid UTF-8 bytes are kept.

#include <string>
#include <string_view>

namespace admit::codec {

std::string foldForSearch(std::string_view text);

}  // namespace admit::codec
