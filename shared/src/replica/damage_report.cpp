#include "admit/replica/damage_report.hpp"

#include <algorithm>

namespace admit::replica {

bool DamageReport::nothingLost() const {
    return schemaComplete && unattributedRows == 0 &&
           std::all_of(tables.begin(), tables.end(),
                       [](const TableDamage& t) { return t.complete; });
}

const TableDamage* DamageReport::table(const std::string& name) const {
    auto it = std::find_if(tables.begin(), tables.end(),
                           [&](const TableDamage& t) { return t.name == name; });
    return it == tables.end() ? nullptr : &*it;
}

}  // namespace admit::replica
