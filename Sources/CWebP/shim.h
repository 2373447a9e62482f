#include <stddef.h>
#include <webp/decode.h>

/// WebPInitDecoderConfig and WebPGetFeatures are inline wrappers around versioned functions; these make them
/// callable from Swift whatever the header's ABI version.
static inline int loom_webp_init_config(WebPDecoderConfig *config) {
    return WebPInitDecoderConfig(config);
}
static inline VP8StatusCode loom_webp_get_features(const uint8_t *data, size_t size, WebPBitstreamFeatures *features) {
    return WebPGetFeatures(data, size, features);
}
