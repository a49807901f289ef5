#include "admit/scan/nearest_centre.hpp"

#include <gtest/gtest.h>

namespace admit::scan {
namespace {

QrCode squareAt(const std::string& text, float x, float y, float side) {
    return QrCode{text, {cv::Point2f{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}}};
}

TEST(NearestCentre, NoCodesNoWinner) { EXPECT_FALSE(nearestToCentre({}, {640, 480}).has_value()); }

TEST(NearestCentre, SingleCodeWinsWherever) {
    EXPECT_EQ(nearestToCentre({squareAt("A", 0, 0, 10)}, {640, 480}), 0u);
}

TEST(NearestCentre, CodeNearestTheFrameCentreWins) {
    // Frame centre (320, 240). B's centre is (325, 235): nearest, though A is bigger and first.
    const std::vector<QrCode> codes = {squareAt("A", 0, 0, 300), squareAt("B", 300, 215, 50),
                                       squareAt("C", 500, 400, 50)};
    EXPECT_EQ(nearestToCentre(codes, {640, 480}), 1u);
}

TEST(NearestCentre, UsesTheCodeCentreNotItsCorner) {
    // A's top-left corner is at the frame centre, but its centre is far away; B is centred.
    const std::vector<QrCode> codes = {squareAt("A", 320, 240, 200), squareAt("B", 280, 200, 90)};
    EXPECT_EQ(nearestToCentre(codes, {640, 480}), 1u);
}

TEST(QrCode, CentreIsTheMeanOfTheCorners) {
    const QrCode code = squareAt("A", 10, 20, 100);
    EXPECT_FLOAT_EQ(code.centre().x, 60.0f);
    EXPECT_FLOAT_EQ(code.centre().y, 70.0f);
}

}  // namespace
}  // namespace admit::scan
