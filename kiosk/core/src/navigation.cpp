#include "admit/kiosk/navigation.hpp"

namespace admit::kiosk {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Screens a verdict does not cover: a person is typing there, or the kiosk needs attention.
bool verdictStaysBehind(Screen screen) {
    return screen == Screen::kDashboard || screen == Screen::kSettings || screen == Screen::kPin ||
           screen == Screen::kDamaged;
}

Screen home(const NavigationFacts& facts) {
    return facts.hasEvent ? Screen::kScanning : Screen::kSetup;
}

}  // namespace

bool mayOpen(Screen target, std::optional<store::Role> role) {
    if (!role) return false;
    return target != Screen::kDashboard || *role == store::Role::kOrganiser;
}

Navigation navigate(Navigation from, const NavigationEvent& event, const NavigationFacts& facts) {
    Navigation to = from;
    std::visit(Overloaded{
                   [&](const nav::Opened&) {
                       to.screen = facts.dashboardOnly ? Screen::kDashboard : home(facts);
                   },
                   [&](const nav::OpenFailed&) { to.screen = Screen::kFailed; },
                   [&](const nav::VerdictShown&) {
                       if (from.screen != Screen::kVerdict) to.beforeVerdict = from.screen;
                       // A verdict interrupts scanning only; on the search screen it also shows.
                       if (to.beforeVerdict == Screen::kSetup && facts.hasEvent)
                           to.beforeVerdict = Screen::kScanning;
                       if (!verdictStaysBehind(from.screen)) to.screen = Screen::kVerdict;
                   },
                   [&](const nav::VerdictEnded&) {
                       if (from.screen == Screen::kVerdict) to.screen = from.beforeVerdict;
                   },
                   [&](const nav::Opening& open) {
                       switch (open.target) {
                           case Screen::kSearch:
                           case Screen::kScanning:
                           case Screen::kSetup:
                               if (!facts.dashboardOnly) to.screen = open.target;
                               return;
                           case Screen::kDashboard:
                           case Screen::kSettings:
                               to.screen = mayOpen(open.target, facts.signedIn) ? open.target
                                                                                : Screen::kPin;
                               return;
                           default:
                               return;
                       }
                   },
                   [&](const nav::PinAccepted& pin) { to.screen = pin.target; },
                   [&](const nav::SignedOut&) {
                       if (!facts.dashboardOnly) to.screen = home(facts);
                   },
                   [&](const nav::DamageFound&) {
                       // After a verdict on screen (NOT SAVED), else at once.
                       if (from.screen == Screen::kVerdict) {
                           to.beforeVerdict = Screen::kDamaged;
                       } else {
                           to.screen = Screen::kDamaged;
                       }
                   },
                   [&](const nav::EventChosen&) {
                       if (from.screen == Screen::kSetup) to.screen = Screen::kScanning;
                   },
                   [&](const nav::Resynced&) { to.screen = Screen::kSetup; },
               },
               event);
    return to;
}

}  // namespace admit::kiosk
