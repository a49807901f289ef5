#include "admit/ticket/code_format.hpp"

#include <gtest/gtest.h>

#include "admit/ticket/event_setup.hpp"
#include "admit/ticket/signed_ticket.hpp"
#include "pretix_vectors.hpp"

namespace admit::ticket {
namespace {

TEST(CodeFormat, TellsTheFormatsApartFromTheTextAlone) {
    EXPECT_EQ(recogniseCode("AE1:ABC"), CodeFormat::kEventSetup);
    EXPECT_EQ(recogniseCode("AT1:ABC"), CodeFormat::kAdmitTicket);
    const auto vectors = testing::readPretixVectors();  // kept: the loop reads into it
    for (const auto& vector : vectors.at("tickets")) {
        EXPECT_EQ(recogniseCode(vector.at("text").get<std::string>()), CodeFormat::kPretixSig1)
            << vector.at("name");
    }
    EXPECT_EQ(recogniseCode("4006381333931"), CodeFormat::kOpaque);  // an EAN-13
    EXPECT_EQ(recogniseCode("dz4OBvVsTDSJ6rJ4tn6W7zd8pVLgsLe3"), CodeFormat::kOpaque);
    EXPECT_EQ(recogniseCode(""), CodeFormat::kOpaque);
}

TEST(CodeFormat, NamesAreStable) {
    EXPECT_EQ(codeFormatName(CodeFormat::kEventSetup), "event_setup");
    EXPECT_EQ(codeFormatName(CodeFormat::kAdmitTicket), "admit");
    EXPECT_EQ(codeFormatName(CodeFormat::kPretixSig1), "pretix_sig1");
    EXPECT_EQ(codeFormatName(CodeFormat::kOpaque), "opaque");
}

}  // namespace
}  // namespace admit::ticket
