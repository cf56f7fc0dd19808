// The engine's one door to oneDNN: a 2-D convolution (PyTorch Conv2d semantics) between the
// engine's own layouts — input [N, C, H, W] or [C, N, H, W] (given by its strides), output
// channel-major [out, N, Ho, Wo], weights [out, C, k, k] — computed by oneDNN's primitives on their
// preferred (channel-blocked) layouts, with the reorders in between.
//
// One object per (geometry, batch slice, pass kind) and per thread that calls it: it is not
// thread-safe (it sets the data handles of its memory objects), but distinct objects may run
// concurrently, e.g. on the two halves of a batch, each on one thread.
// Every call takes a caller-owned arena of onednn_convolution_arena_bytes() bytes for the blocked
// copies and oneDNN's scratchpad, and the number of OpenMP threads to run on.
#ifndef ONEDNN_CONVOLUTION_H
#define ONEDNN_CONVOLUTION_H
#include <stddef.h>
#include <oneapi/dnnl/dnnl.h>

typedef struct onednn_convolution onednn_convolution;

typedef struct {
    int batch, channels, height, width;
    int out_channels, kernel, stride, padding;
    int has_bias;
    /// Element strides of the input's sample and channel dimensions (H, W are dense).
    long input_sample_stride, input_channel_stride;
    /// Element stride of the channel-major output's channel dimension (its samples are Ho·Wo apart):
    /// N·Ho·Wo of the whole batch when this call computes a slice of its samples.
    long output_channel_stride;
    /// Whether backward also writes db (else the caller sums it).
    int bias_gradient;
    /// 1: both backward passes only (the forward primitive is made only to hint them);
    /// 0: the forward pass only.
    int training;
    /// Whether backward computes dX.
    int input_gradient;
    /// Forward only: rectify the output (a ReLU post-op, after the bias).
    int relu;
    /// Forward only: the input, or the output, is the slice's samples in oneDNN's 8-channel
    /// blocked layout (aBcd8b, `nChw8c`) from the pointer passed, not the engine's layout: two
    /// oneDNN convolutions in a row hand their map over without reordering it twice. The channels
    /// must be a multiple of 8.
    int input_blocked, output_blocked;
} onednn_convolution_shape;

/// NULL on failure, with a message in `error` (e.g. no oneDNN implementation for the shape).
onednn_convolution *onednn_convolution_create(const onednn_convolution_shape *shape, char *error, size_t error_capacity);
void onednn_convolution_destroy(onednn_convolution *c);
/// Bytes of arena every call of `c` needs.
size_t onednn_convolution_arena_bytes(const onednn_convolution *c);
/// The implementations oneDNN chose ("forward / backward data / backward weights").
const char *onednn_convolution_implementation(const onednn_convolution *c);

/// y = W ⋆ x (+ b), rectified if the shape asks, on an object made with training = 0. 0 on success.
int onednn_convolution_forward(onednn_convolution *c, const float *x, const float *w, const float *b, float *y,
                               void *arena, int threads);
/// dW = dY ⋆ x (overwritten), db = Σ dY (overwritten, if bias_gradient), and if dx is not NULL
/// dX = Wᵀ ⋆ dY, overwritten or (accumulate_dx) added to dx; on an object made with training = 1. 0 on success.
int onednn_convolution_backward(onednn_convolution *c, const float *x, const float *w, const float *dy,
                                float *dw, float *db, float *dx, int accumulate_dx, void *arena, int threads);

/// Whether oneDNN's CPU engine can be created in this process.
int onednn_available(void);
#endif
