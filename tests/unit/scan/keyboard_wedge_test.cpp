#include "admit/scan/keyboard_wedge.hpp"

#include <string>

#include <gtest/gtest.h>

namespace admit::scan {
namespace {

using std::chrono::milliseconds;

const TimePoint t0{};

// Types `text` starting at `start`, one character every `gap`; returns when the last one came.
TimePoint type(KeyboardWedge& wedge, const std::u32string& text, TimePoint start,
               milliseconds gap) {
    TimePoint at = start;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i > 0) at += gap;
        wedge.character(text[i], at);
    }
    return at;
}

TEST(KeyboardWedge, ACodeTypedAtScannerSpeedIsACode) {
    KeyboardWedge wedge;
    auto last = type(wedge, U"AT1:ABC123", t0, milliseconds(2));
    EXPECT_EQ(wedge.enter(last + milliseconds(2)), "AT1:ABC123");
}

TEST(KeyboardWedge, AllKeysArrivingAtOneInstantAreKept) {
    // A burst handed over in one UI frame: every key carries the same time.
    KeyboardWedge wedge;
    auto last = type(wedge, U"0123456789ABCDEF", t0, milliseconds(0));
    EXPECT_EQ(wedge.enter(last), "0123456789ABCDEF");
}

TEST(KeyboardWedge, PersonTypingIsNotACode) {
    KeyboardWedge wedge;
    auto last = type(wedge, U"AT1:ABC123", t0, milliseconds(120));
    EXPECT_EQ(wedge.enter(last + milliseconds(120)), std::nullopt);
}

TEST(KeyboardWedge, FastTypistJustUnderTheGapIsStillTooSlowOnAverage) {
    // Every gap is allowed on its own (< maxGap), but 90 ms a key is a person's pace.
    KeyboardWedge wedge;
    auto last = type(wedge, U"12345678", t0, milliseconds(90));
    EXPECT_EQ(wedge.enter(last + milliseconds(90)), std::nullopt);
}

TEST(KeyboardWedge, OneHeldBackFrameInsideACodeIsTolerated) {
    // The UI drew a slow frame in the middle: the rest of the code arrives 80 ms later, at once.
    KeyboardWedge wedge;
    auto mid = type(wedge, U"AT1:ABCDEFGHIJKL", t0, milliseconds(3));
    auto last = type(wedge, U"MNOPQRSTUVWXYZ012345", mid + milliseconds(80), milliseconds(0));
    EXPECT_EQ(wedge.enter(last + milliseconds(1)), "AT1:ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
}

TEST(KeyboardWedge, SlowLettersBeforeAScanAreDropped) {
    // Someone pressed a few keys, paused, then a scanner sent its code.
    KeyboardWedge wedge;
    auto last = type(wedge, U"hello", t0, milliseconds(150));
    last = type(wedge, U"AT1:XYZ9", last + milliseconds(2000), milliseconds(2));
    EXPECT_EQ(wedge.enter(last + milliseconds(2)), "AT1:XYZ9");
}

TEST(KeyboardWedge, EnterLongAfterTheCodeIsNotACode) {
    KeyboardWedge wedge;
    auto last = type(wedge, U"AT1:ABC123", t0, milliseconds(2));
    EXPECT_EQ(wedge.enter(last + milliseconds(500)), std::nullopt);
}

TEST(KeyboardWedge, ShortBurstsAreNotCodes) {
    KeyboardWedge wedge;
    auto last = type(wedge, U"abc", t0, milliseconds(1));
    EXPECT_EQ(wedge.enter(last + milliseconds(1)), std::nullopt);
    EXPECT_EQ(wedge.enter(last + milliseconds(2)), std::nullopt);  // Enter alone
}

TEST(KeyboardWedge, EachEnterStartsANewCode) {
    KeyboardWedge wedge;
    auto last = type(wedge, U"FIRST-1", t0, milliseconds(2));
    EXPECT_EQ(wedge.enter(last + milliseconds(2)), "FIRST-1");
    last = type(wedge, U"SECOND-2", last + milliseconds(10), milliseconds(2));
    EXPECT_EQ(wedge.enter(last + milliseconds(2)), "SECOND-2");
}

TEST(KeyboardWedge, ResetForgetsAHalfTypedCode) {
    KeyboardWedge wedge;
    type(wedge, U"AT1:AB", t0, milliseconds(2));
    wedge.reset();
    auto last = type(wedge, U"CD12", t0 + milliseconds(20), milliseconds(2));
    EXPECT_EQ(wedge.enter(last + milliseconds(2)), "CD12");
}

TEST(KeyboardWedge, ControlCharactersAreIgnoredAndNonAsciiIsUtf8) {
    KeyboardWedge wedge;
    auto last = type(wedge, U"Jos\u00e9\t-\u20ac1", t0, milliseconds(2));
    EXPECT_EQ(wedge.enter(last + milliseconds(2)),
              "Jos\xc3\xa9-\xe2\x82\xac"
              "1");
}

TEST(KeyboardWedge, ABurstOverTheCapIsRefusedWhole) {
    WedgeOptions options;
    options.maxLength = 8;
    KeyboardWedge wedge(options);
    auto last = type(wedge, U"123456789", t0, milliseconds(1));
    EXPECT_EQ(wedge.enter(last + milliseconds(1)), std::nullopt);
    last = type(wedge, U"12345678", last + milliseconds(5), milliseconds(1));
    EXPECT_EQ(wedge.enter(last + milliseconds(1)), "12345678");
}

}  // namespace
}  // namespace admit::scan
