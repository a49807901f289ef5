// Every sync message parser on arbitrary bytes: never crashes; a parsed message, written back
// to JSON, parses to the same message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "admit/sync/protocol/messages.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace admit::sync;

template <class Parse>
void checkRejectionIsExplained(const Parse& parsed) {
    if (!parsed.ok()) ADMIT_FUZZ_CHECK(!parsed.error().message.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);

    auto record = parseCheckInRecord(body);
    checkRejectionIsExplained(record);
    if (record.ok()) ADMIT_FUZZ_CHECK(parseCheckInRecord(toJson(*record)).value() == *record);

    auto denial = parseDeniedScan(body);
    checkRejectionIsExplained(denial);
    if (denial.ok()) {
        ADMIT_FUZZ_CHECK(parseDeniedScan(admit::store::deniedScanPayload(*denial)).value() ==
                         *denial);
    }

    auto upload = parseUploadRequest(body);
    checkRejectionIsExplained(upload);
    if (upload.ok()) {
        auto again = parseUploadRequest(toJson(*upload));
        ADMIT_FUZZ_CHECK(again.ok());
        ADMIT_FUZZ_CHECK(again->entries.size() == upload->entries.size());
        for (std::size_t i = 0; i < upload->entries.size(); ++i) {
            ADMIT_FUZZ_CHECK(again->entries[i].seq == upload->entries[i].seq);
            ADMIT_FUZZ_CHECK(again->entries[i].recordId == upload->entries[i].recordId);
        }
    }

    auto download = parseDownloadResponse(body);
    checkRejectionIsExplained(download);
    if (download.ok()) {
        auto again = parseDownloadResponse(toJson(*download));
        ADMIT_FUZZ_CHECK(again.ok() && again->checkins == download->checkins);
    }

    auto devices = parseDevicesResponse(body);
    checkRejectionIsExplained(devices);
    if (devices.ok()) {
        auto again = parseDevicesResponse(toJson(*devices));
        ADMIT_FUZZ_CHECK(again.ok() && again->devices == devices->devices);
    }

    checkRejectionIsExplained(parseEnrolRequest(body));
    checkRejectionIsExplained(parseEnrolResponse(body));
    checkRejectionIsExplained(parseUploadResponse(body));
    (void)parseErrorSentence(body);
    return 0;
}
