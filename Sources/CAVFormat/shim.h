#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>

/// The stream's display matrix (nine 32-bit fixed-point numbers: how players turn the picture), or NULL.
/// Since FFmpeg 6.1 the demuxer keeps stream side data in the codec parameters; `av_stream_get_side_data` was
/// deprecated then and is gone from FFmpeg 8 (libavformat 62). Debian 12 ships FFmpeg 5.1, Debian 13 FFmpeg 7.1.
static inline const uint8_t *loom_stream_display_matrix(const AVStream *stream) {
#if LIBAVFORMAT_VERSION_MAJOR >= 61
    const AVPacketSideData *side = av_packet_side_data_get(
        stream->codecpar->coded_side_data, stream->codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
    return side != NULL && side->size >= 9 * 4 ? side->data : NULL;
#else
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    return data != NULL && size >= 9 * 4 ? data : NULL;
#endif
}
