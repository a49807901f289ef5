#include "admit/store/attendee_search.hpp"

#include <SQLiteCpp/Transaction.h>

#include "admit/store/store.hpp"
#include "store_fixture.hpp"

namespace admit::store {
namespace {

class AttendeeSearchTest : public admit::testing::StoreFixture {
  protected:
    std::int64_t add(const std::string& name, const std::string& email,
                     AttendeeStatus status = AttendeeStatus::kApproved,
                     const std::string& note = "") {
        Attendee a{0, kEvent, email, name, email, 1, status, note};
        Attendees(*db).upsert(a);
        Attendees(*db).addTicket({kEvent, "ref-" + email, TicketKind::kSigned, a.id});
        return a.id;
    }

    static std::vector<std::string> names(const std::vector<SearchHit>& hits) {
        std::vector<std::string> out;
        for (const auto& h : hits) out.push_back(h.attendee.name);
        return out;
    }
};

TEST_F(AttendeeSearchTest, FoldsCaseAndAccentsOnBothSides) {
    add("José Álvarez", "jose@example.org");
    add("Zoë Müller", "zoe@example.org");
    add("Jules Verne", "jules@example.org");
    AttendeeSearch search(*db, kEvent);
    EXPECT_EQ(names(search.find("jose", 10)), std::vector<std::string>{"José Álvarez"});
    EXPECT_EQ(names(search.find("ALVAREZ", 10)), std::vector<std::string>{"José Álvarez"});
    EXPECT_EQ(names(search.find("mülLER", 10)), std::vector<std::string>{"Zoë Müller"});
    EXPECT_EQ(names(search.find("zoe m", 10)), std::vector<std::string>{"Zoë Müller"});
    EXPECT_TRUE(search.find("josé x", 10).empty());
    EXPECT_EQ(names(search.find("EXAMPLE.ORG", 2)).size(), 2u) << "the e-mail too, and the limit";
    EXPECT_TRUE(search.find("%", 10).empty()) << "no wildcards: the query is literal text";
    EXPECT_TRUE(search.find("", 10).empty());
}

TEST_F(AttendeeSearchTest, NamesStartingWithTheQueryComeFirstThenByName) {
    add("Anna Berg", "anna@example.org");
    add("Hanna Lind", "hanna@example.org");
    add("Johanna Ek", "johanna@example.org");
    add("Annika Ros", "annika@example.org");
    add("Bo Svensson", "bo@annex.org");  // matches by e-mail only
    AttendeeSearch search(*db, kEvent);
    EXPECT_EQ(names(search.find("ann", 10)),
              (std::vector<std::string>{"Anna Berg", "Annika Ros", "Bo Svensson", "Hanna Lind",
                                        "Johanna Ek"}));
    EXPECT_EQ(names(search.find("ann", 3)),
              (std::vector<std::string>{"Anna Berg", "Annika Ros", "Bo Svensson"}));
}

TEST_F(AttendeeSearchTest, SeesRosterChangesMadeAfterTheIndexWasBuilt) {
    add("Ada Lovelace", "ada@example.org");
    AttendeeSearch search(*db, kEvent);
    EXPECT_EQ(search.find("ada", 10).size(), 1u);
    db->exec("UPDATE attendees SET name = 'Ada King' WHERE email = 'ada@example.org'");
    add("Adam Smith", "adam@example.org");
    EXPECT_EQ(names(search.find("ada", 10)), (std::vector<std::string>{"Ada King", "Adam Smith"}));
    EXPECT_TRUE(search.find("lovelace", 10).empty());
}

TEST_F(AttendeeSearchTest, EachHitSaysWhetherThePersonIsInsideLeftPendingOrCancelled) {
    std::int64_t inside = add("Ines Inside", "ines@example.org");
    std::int64_t left = add("Leo Left", "leo@example.org");
    add("Pia Pending", "pia@example.org", AttendeeStatus::kPending);
    add("Carl Cancelled", "carl@example.org", AttendeeStatus::kCancelled, "Refunded");
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    {
        SQLite::Transaction t(*db);
        log.append({kEvent, "ref-ines@example.org", inside, "North", Direction::kEntry, ""}, 1'000);
        log.append({kEvent, "ref-leo@example.org", left, "South", Direction::kEntry, ""}, 2'000);
        log.append({kEvent, "ref-leo@example.org", left, "South", Direction::kExit, ""}, 3'000);
        t.commit();
    }
    AttendeeSearch search(*db, kEvent);
    auto hits = search.find("e", 10);
    ASSERT_EQ(hits.size(), 4u);
    auto of = [&](const std::string& name) {
        for (const auto& h : hits) {
            if (h.attendee.name == name) return h;
        }
        ADD_FAILURE() << name;
        return SearchHit{};
    };
    SearchHit ines = of("Ines Inside");
    EXPECT_TRUE(ines.presence.inside);
    ASSERT_TRUE(ines.presence.lastEntry);
    EXPECT_EQ(ines.presence.lastEntry->gate, "North");
    EXPECT_EQ(ines.presence.lastEntry->wallTimeMs, 1'000);
    SearchHit leo = of("Leo Left");
    EXPECT_FALSE(leo.presence.inside);
    ASSERT_TRUE(leo.presence.lastExit);
    EXPECT_EQ(leo.presence.lastExit->wallTimeMs, 3'000);
    EXPECT_EQ(of("Pia Pending").attendee.status, AttendeeStatus::kPending);
    EXPECT_FALSE(of("Pia Pending").presence.lastEntry);
    EXPECT_EQ(of("Carl Cancelled").attendee.status, AttendeeStatus::kCancelled);
    EXPECT_EQ(of("Carl Cancelled").attendee.attentionNote, "Refunded");
    // An undo takes the entry back: no longer inside.
    {
        SQLite::Transaction t(*db);
        log.annul(*ines.presence.lastEntry, "olga", 4'000);
        t.commit();
    }
    auto again = search.find("ines", 10);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_FALSE(again[0].presence.inside);
    EXPECT_FALSE(again[0].presence.lastEntry);
}

TEST_F(AttendeeSearchTest, TypingAndDeletingFindsWhatAFreshSearchFinds) {
    // Enough people that a short query matches more than the page (and, for "a", more than the
    // matches kept for narrowing), with names that share prefixes.
    const char* first[] = {"Ana", "Anaïs", "Andrés", "Bea", "Ben", "Björn", "Cai", "Chloé"};
    const char* last[] = {"Ek", "Eklund", "Ekström", "Berg", "Bergman", "Öberg"};
    int n = 0;
    SQLite::Transaction adding(*db);
    for (int round = 0; round < 90; ++round) {
        for (const char* f : first) {
            for (const char* l : last) {
                std::string id = std::to_string(n++);
                add(std::string(f) + " " + l + " " + id, "p" + id + "@example.org");
            }
        }
    }
    adding.commit();
    AttendeeSearch typing(*db, kEvent);
    auto check = [&](const std::string& query, int limit) {
        AttendeeSearch fresh(*db, kEvent);
        EXPECT_EQ(names(typing.find(query, limit)), names(fresh.find(query, limit))) << query;
    };
    for (const std::string typed : {"andres ekstrom 1", "ana", "ek", "berg 42", "p4319@"}) {
        for (std::size_t k = 1; k <= typed.size(); ++k) check(typed.substr(0, k), 20);
        for (std::size_t k = typed.size(); k >= 1; --k) check(typed.substr(0, k), 20);
    }
    check("anais", 20);
    check("anais e", 5);
    check("anais ek", 50);
    // A roster change between two keystrokes.
    check("chloe oberg 9", 20);
    add("Chloé Öberg 9x", "new@example.org");
    check("chloe oberg 9x", 20);
    EXPECT_EQ(names(typing.find("chloe oberg 9x", 20)), std::vector<std::string>{"Chloé Öberg 9x"});
}

TEST_F(AttendeeSearchTest, ThePresenceCoversEveryTicketOfThePerson) {
    std::int64_t two = add("Tove Two", "tove@example.org");
    Attendees(*db).addTicket({kEvent, "ref-tove-2", TicketKind::kSigned, two});
    std::int64_t other = add("Tove Other", "other@example.org");
    HybridLogicalClock clock(*db);
    CheckInLog log(*db, clock);
    {
        SQLite::Transaction t(*db);
        log.append({kEvent, "ref-tove@example.org", two, "North", Direction::kEntry, ""}, 1'000);
        log.append({kEvent, "ref-tove@example.org", two, "North", Direction::kExit, ""}, 2'000);
        log.append({kEvent, "ref-tove-2", two, "West", Direction::kEntry, ""}, 3'000);
        log.append({kEvent, "ref-other@example.org", other, "East", Direction::kEntry, ""}, 4'000);
        log.append({kEvent, "ref-other@example.org", other, "East", Direction::kExit, ""}, 5'000);
        t.commit();
    }
    AttendeeSearch search(*db, kEvent);
    auto hits = search.find("tove", 10);
    ASSERT_EQ(names(hits), (std::vector<std::string>{"Tove Other", "Tove Two"}));
    EXPECT_FALSE(hits[0].presence.inside);
    ASSERT_TRUE(hits[0].presence.lastExit);
    EXPECT_EQ(hits[0].presence.lastExit->wallTimeMs, 5'000);
    EXPECT_TRUE(hits[1].presence.inside) << "the second ticket's entry is the latest record";
    ASSERT_TRUE(hits[1].presence.lastEntry);
    EXPECT_EQ(hits[1].presence.lastEntry->gate, "West");
    ASSERT_TRUE(hits[1].presence.lastExit);
    EXPECT_EQ(hits[1].presence.lastExit->wallTimeMs, 2'000);
}

}  // namespace
}  // namespace admit::store
