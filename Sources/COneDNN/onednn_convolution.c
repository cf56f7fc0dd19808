// oneDNN convolutions between the engine's layouts and oneDNN's preferred ones (see the header).
#include "onednn_convolution.h"
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void omp_set_num_threads(int);

static dnnl_engine_t shared_engine;
static dnnl_status_t engine_status = dnnl_runtime_error;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static void create_engine(void) { engine_status = dnnl_engine_create(&shared_engine, dnnl_cpu, 0); }

int onednn_available(void) {
    pthread_once(&engine_once, create_engine);
    return engine_status == dnnl_success;
}

/// A primitive with its own scratchpad memory object (its handle points into the arena).
typedef struct {
    dnnl_primitive_t primitive;
    dnnl_memory_t scratchpad; // NULL when it needs none
} step;

/// One tensor argument: the user's memory (handle set per call) and, when the primitive prefers
/// another layout, a blocked copy in the arena with the reorder(s) between them.
typedef struct {
    dnnl_memory_t user;
    dnnl_memory_t blocked; // NULL: the primitive reads or writes the user's memory directly
    size_t offset;         // of the blocked copy in the arena
    step to_blocked, from_blocked, from_blocked_sum;
} operand;

struct onednn_convolution {
    onednn_convolution_shape shape;
    dnnl_stream_t stream;
    step forward, backward_data, backward_weights;
    operand x, w, y;                             // forward
    operand dy_weights, x_weights, dw;           // backward weights
    operand dy_data, w_data, dx;                 // backward data
    int dy_shared;                               // backward data reads backward weights' copy of dY
    dnnl_memory_t bias, bias_gradient;           // the user's [out]
    size_t arena_bytes, scratch_offset, scratch_bytes;
    char implementation[512];
};

#define TRY(call) do { dnnl_status_t s_ = (call); if (s_ != dnnl_success) { \
    snprintf(error, capacity, "oneDNN: %s returned status %d", #call, (int)s_); goto fail; } } while (0)
#define RUN(call) do { if ((call) != dnnl_success) return 1; } while (0)

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

static dnnl_status_t user_scratchpad_attr(dnnl_primitive_attr_t *attr) {
    dnnl_status_t s = dnnl_primitive_attr_create(attr);
    if (s != dnnl_success) return s;
    return dnnl_primitive_attr_set_scratchpad_mode(*attr, dnnl_scratchpad_mode_user);
}

/// Makes `st` from a primitive descriptor (destroyed here) and widens the shared scratchpad size.
static dnnl_status_t make_step(step *st, dnnl_primitive_desc_t pd, onednn_convolution *c) {
    dnnl_status_t s = dnnl_primitive_create(&st->primitive, pd);
    if (s == dnnl_success) {
        const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
        size_t bytes = md ? dnnl_memory_desc_get_size(md) : 0;
        if (bytes > 0) {
            s = dnnl_memory_create(&st->scratchpad, md, shared_engine, DNNL_MEMORY_NONE);
            if (bytes > c->scratch_bytes) c->scratch_bytes = bytes;
        }
    }
    dnnl_primitive_desc_destroy(pd);
    return s;
}

static dnnl_status_t make_reorder(step *st, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to, int sum,
                                  onednn_convolution *c) {
    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t ops = NULL;
    dnnl_status_t s = user_scratchpad_attr(&attr);
    if (s != dnnl_success) return s;
    if (sum) {
        s = dnnl_post_ops_create(&ops);
        if (s == dnnl_success) s = dnnl_post_ops_append_sum(ops, 1.0f);
        if (s == dnnl_success) s = dnnl_primitive_attr_set_post_ops(attr, ops);
    }
    dnnl_primitive_desc_t pd;
    if (s == dnnl_success) s = dnnl_reorder_primitive_desc_create(&pd, from, shared_engine, to, shared_engine, attr);
    if (s == dnnl_success) s = make_step(st, pd, c);
    if (ops) dnnl_post_ops_destroy(ops);
    dnnl_primitive_attr_destroy(attr);
    return s;
}

/// `wanted` is the primitive's layout for this argument; `input` says which way data flows.
/// An output that may be accumulated into always goes through a copy (oneDNN's sum post-op on the
/// reorder does the adding).
static dnnl_status_t make_operand(operand *o, const dnnl_memory_desc_t *user, const dnnl_memory_desc_t *wanted,
                                  int input, int accumulating, onednn_convolution *c) {
    dnnl_status_t s = dnnl_memory_create(&o->user, user, shared_engine, DNNL_MEMORY_NONE);
    if (s != dnnl_success || (!accumulating && dnnl_memory_desc_equal(user, wanted))) return s;
    s = dnnl_memory_create(&o->blocked, wanted, shared_engine, DNNL_MEMORY_NONE);
    if (s != dnnl_success) return s;
    o->offset = c->arena_bytes;
    c->arena_bytes += align64(dnnl_memory_desc_get_size(wanted));
    if (input) return make_reorder(&o->to_blocked, user, wanted, 0, c);
    s = make_reorder(&o->from_blocked, wanted, user, 0, c);
    if (s == dnnl_success && accumulating) s = make_reorder(&o->from_blocked_sum, wanted, user, 1, c);
    return s;
}

static const dnnl_memory_desc_t *dnnl_memory_desc_of(dnnl_memory_t m) {
    const dnnl_memory_desc_t *md = NULL;
    return dnnl_memory_get_memory_desc(m, &md) == dnnl_success ? md : NULL;
}

static void destroy_step(step *st) {
    if (st->primitive) dnnl_primitive_destroy(st->primitive);
    if (st->scratchpad) dnnl_memory_destroy(st->scratchpad);
}

static void destroy_operand(operand *o) {
    if (o->user) dnnl_memory_destroy(o->user);
    if (o->blocked) dnnl_memory_destroy(o->blocked);
    destroy_step(&o->to_blocked);
    destroy_step(&o->from_blocked);
    destroy_step(&o->from_blocked_sum);
}

static void append_implementation(onednn_convolution *c, dnnl_primitive_desc_t pd) {
    const char *info = NULL;
    if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info) != dnnl_success || !info) return;
    size_t used = strlen(c->implementation);
    snprintf(c->implementation + used, sizeof c->implementation - used, "%s%s", used ? " / " : "", info);
}

onednn_convolution *onednn_convolution_create(const onednn_convolution_shape *sh, char *error, size_t capacity) {
    if (!onednn_available()) { snprintf(error, capacity, "oneDNN: no CPU engine (status %d)", (int)engine_status); return NULL; }
    onednn_convolution *c = calloc(1, sizeof *c);
    if (!c) { snprintf(error, capacity, "oneDNN: out of memory"); return NULL; }
    c->shape = *sh;
    if ((sh->input_blocked || sh->output_blocked) && sh->training) {
        snprintf(error, capacity, "oneDNN: blocked inputs and outputs are for the forward pass only");
        free(c);
        return NULL;
    }
    if ((sh->input_blocked && sh->channels % 8) || (sh->output_blocked && sh->out_channels % 8)) {
        snprintf(error, capacity, "oneDNN: a blocked map needs a multiple of 8 channels");
        free(c);
        return NULL;
    }
    const int k = sh->kernel, s = sh->stride, p = sh->padding;
    const int oh = (sh->height + 2 * p - k) / s + 1, ow = (sh->width + 2 * p - k) / s + 1;
    const dnnl_dim_t n = sh->batch;
    dnnl_dims_t x_dims = {n, sh->channels, sh->height, sh->width}, y_dims = {n, sh->out_channels, oh, ow};
    dnnl_dims_t w_dims = {sh->out_channels, sh->channels, k, k}, b_dims = {sh->out_channels};
    dnnl_dims_t x_strides = {sh->input_sample_stride, sh->input_channel_stride, sh->width, 1};
    dnnl_dims_t y_strides = {(dnnl_dim_t)oh * ow, sh->output_channel_stride, ow, 1};
    dnnl_dims_t strides = {s, s}, padding = {p, p};
    dnnl_memory_desc_t user_x, user_y, user_w, user_b, any_x, any_y, any_w;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t forward_pd = NULL, pd;
    dnnl_convolution_desc_t desc;
    TRY(dnnl_stream_create(&c->stream, shared_engine, dnnl_stream_default_flags));
    if (sh->input_blocked) TRY(dnnl_memory_desc_init_by_tag(&user_x, 4, x_dims, dnnl_f32, dnnl_aBcd8b));
    else TRY(dnnl_memory_desc_init_by_strides(&user_x, 4, x_dims, dnnl_f32, x_strides));
    if (sh->output_blocked) TRY(dnnl_memory_desc_init_by_tag(&user_y, 4, y_dims, dnnl_f32, dnnl_aBcd8b));
    else TRY(dnnl_memory_desc_init_by_strides(&user_y, 4, y_dims, dnnl_f32, y_strides));
    TRY(dnnl_memory_desc_init_by_tag(&user_w, 4, w_dims, dnnl_f32, dnnl_oihw));
    TRY(dnnl_memory_desc_init_by_tag(&user_b, 1, b_dims, dnnl_f32, dnnl_a));
    TRY(dnnl_memory_desc_init_by_tag(&any_x, 4, x_dims, dnnl_f32, dnnl_format_tag_any));
    TRY(dnnl_memory_desc_init_by_tag(&any_y, 4, y_dims, dnnl_f32, dnnl_format_tag_any));
    TRY(dnnl_memory_desc_init_by_tag(&any_w, 4, w_dims, dnnl_f32, dnnl_format_tag_any));
    TRY(user_scratchpad_attr(&attr));
    if (sh->relu && !sh->training) {
        // The ReLU as the convolution writes (a post-op after the bias), not as a pass after it.
        dnnl_post_ops_t ops = NULL;
        dnnl_status_t s = dnnl_post_ops_create(&ops);
        if (s == dnnl_success) s = dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
        if (s == dnnl_success) s = dnnl_primitive_attr_set_post_ops(attr, ops);
        if (ops) dnnl_post_ops_destroy(ops);
        TRY(s);
    }

    TRY(dnnl_convolution_forward_desc_init(&desc, sh->training ? dnnl_forward_training : dnnl_forward_inference,
                                           dnnl_convolution_direct, &any_x, &any_w, sh->has_bias ? &user_b : NULL,
                                           &any_y, strides, padding, padding));
    TRY(dnnl_primitive_desc_create(&forward_pd, &desc, attr, shared_engine, NULL));
    append_implementation(c, forward_pd);
    if (!sh->training) { // a training object only hints the backward primitives with the forward one
        TRY(make_operand(&c->x, &user_x, dnnl_primitive_desc_query_md(forward_pd, dnnl_query_src_md, 0), 1, 0, c));
        TRY(make_operand(&c->w, &user_w, dnnl_primitive_desc_query_md(forward_pd, dnnl_query_weights_md, 0), 1, 0, c));
        TRY(make_operand(&c->y, &user_y, dnnl_primitive_desc_query_md(forward_pd, dnnl_query_dst_md, 0), 0, 0, c));
        TRY(dnnl_primitive_desc_clone(&pd, forward_pd));
        TRY(make_step(&c->forward, pd, c));
    }
    if (sh->has_bias) {
        TRY(dnnl_memory_create(&c->bias, &user_b, shared_engine, DNNL_MEMORY_NONE));
        TRY(dnnl_memory_create(&c->bias_gradient, &user_b, shared_engine, DNNL_MEMORY_NONE));
    }
    if (sh->training) {
        TRY(dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &any_x, &any_w,
                                                        sh->bias_gradient ? &user_b : NULL, &any_y, strides, padding, padding));
        TRY(dnnl_primitive_desc_create(&pd, &desc, attr, shared_engine, forward_pd));
        append_implementation(c, pd);
        TRY(make_operand(&c->x_weights, &user_x, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), 1, 0, c));
        TRY(make_operand(&c->dy_weights, &user_y, dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0), 1, 0, c));
        TRY(make_operand(&c->dw, &user_w, dnnl_primitive_desc_query_md(pd, dnnl_query_diff_weights_md, 0), 0, 0, c));
        TRY(make_step(&c->backward_weights, pd, c));
        if (sh->input_gradient) {
            TRY(dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &any_x, &any_w, &any_y,
                                                         strides, padding, padding));
            TRY(dnnl_primitive_desc_create(&pd, &desc, attr, shared_engine, forward_pd));
            append_implementation(c, pd);
            const dnnl_memory_desc_t *dy_md = dnnl_primitive_desc_query_md(pd, dnnl_query_diff_dst_md, 0);
            const dnnl_memory_desc_t *weights_dy_md = c->dy_weights.blocked ? dnnl_memory_desc_of(c->dy_weights.blocked) : NULL;
            c->dy_shared = weights_dy_md && dnnl_memory_desc_equal(dy_md, weights_dy_md);
            if (!c->dy_shared) TRY(make_operand(&c->dy_data, &user_y, dy_md, 1, 0, c));
            TRY(make_operand(&c->w_data, &user_w, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), 1, 0, c));
            TRY(make_operand(&c->dx, &user_x, dnnl_primitive_desc_query_md(pd, dnnl_query_diff_src_md, 0), 0, 1, c));
            TRY(make_step(&c->backward_data, pd, c));
        }
    }
    c->scratch_offset = c->arena_bytes;
    c->arena_bytes += align64(c->scratch_bytes) + 64;
    dnnl_primitive_desc_destroy(forward_pd);
    dnnl_primitive_attr_destroy(attr);
    return c;
fail:
    if (forward_pd) dnnl_primitive_desc_destroy(forward_pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    onednn_convolution_destroy(c);
    return NULL;
}

void onednn_convolution_destroy(onednn_convolution *c) {
    if (!c) return;
    operand *operands[] = {&c->x, &c->w, &c->y, &c->dy_weights, &c->x_weights, &c->dw, &c->dy_data, &c->w_data, &c->dx};
    for (size_t i = 0; i < sizeof operands / sizeof *operands; i++) destroy_operand(operands[i]);
    destroy_step(&c->forward);
    destroy_step(&c->backward_data);
    destroy_step(&c->backward_weights);
    if (c->bias) dnnl_memory_destroy(c->bias);
    if (c->bias_gradient) dnnl_memory_destroy(c->bias_gradient);
    if (c->stream) dnnl_stream_destroy(c->stream);
    free(c);
}

size_t onednn_convolution_arena_bytes(const onednn_convolution *c) { return c->arena_bytes; }
const char *onednn_convolution_implementation(const onednn_convolution *c) { return c->implementation; }

static char *aligned_arena(void *arena) { return (char *)align64((size_t)arena); }

static int execute(onednn_convolution *c, step *st, int count, dnnl_exec_arg_t *args, char *arena) {
    dnnl_exec_arg_t all[8];
    memcpy(all, args, count * sizeof *args);
    if (st->scratchpad) {
        RUN(dnnl_memory_set_data_handle(st->scratchpad, arena + c->scratch_offset));
        all[count++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, st->scratchpad};
    }
    RUN(dnnl_primitive_execute(st->primitive, c->stream, count, all));
    return 0;
}

/// Points the operand at the user's data and, for an input in another layout, reorders it into
/// the arena. Returns the memory the primitive should use.
static dnnl_memory_t bind_input(onednn_convolution *c, operand *o, const float *data, char *arena) {
    if (dnnl_memory_set_data_handle(o->user, (void *)data) != dnnl_success) return NULL;
    if (!o->blocked) return o->user;
    if (dnnl_memory_set_data_handle(o->blocked, arena + o->offset) != dnnl_success) return NULL;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, o->user}, {DNNL_ARG_TO, o->blocked}};
    return execute(c, &o->to_blocked, 2, args, arena) == 0 ? o->blocked : NULL;
}

static dnnl_memory_t bind_output(operand *o, float *data, char *arena) {
    if (dnnl_memory_set_data_handle(o->user, data) != dnnl_success) return NULL;
    if (!o->blocked) return o->user;
    return dnnl_memory_set_data_handle(o->blocked, arena + o->offset) == dnnl_success ? o->blocked : NULL;
}

/// Copies a blocked output back into the user's layout (added to it when `accumulate`).
static int finish_output(onednn_convolution *c, operand *o, int accumulate, char *arena) {
    if (!o->blocked) return 0;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, o->blocked}, {DNNL_ARG_TO, o->user}};
    return execute(c, accumulate ? &o->from_blocked_sum : &o->from_blocked, 2, args, arena);
}

int onednn_convolution_forward(onednn_convolution *c, const float *x, const float *w, const float *b, float *y,
                               void *arena_start, int threads) {
    if (c->shape.training) return 2;
    char *arena = aligned_arena(arena_start);
    omp_set_num_threads(threads);
    dnnl_memory_t mx = bind_input(c, &c->x, x, arena), mw = bind_input(c, &c->w, w, arena), my = bind_output(&c->y, y, arena);
    if (!mx || !mw || !my) return 1;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, mx}, {DNNL_ARG_WEIGHTS, mw}, {DNNL_ARG_DST, my}};
    int count = 3;
    if (c->shape.has_bias) {
        RUN(dnnl_memory_set_data_handle(c->bias, (void *)b));
        args[count++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, c->bias};
    }
    if (execute(c, &c->forward, count, args, arena) || finish_output(c, &c->y, 0, arena)) return 1;
    return dnnl_stream_wait(c->stream) == dnnl_success ? 0 : 1;
}

int onednn_convolution_backward(onednn_convolution *c, const float *x, const float *w, const float *dy,
                                float *dw, float *db, float *dx, int accumulate_dx, void *arena_start, int threads) {
    if (!c->shape.training || (dx && !c->shape.input_gradient)) return 2;
    char *arena = aligned_arena(arena_start);
    omp_set_num_threads(threads);
    dnnl_memory_t mx = bind_input(c, &c->x_weights, x, arena), mdy = bind_input(c, &c->dy_weights, dy, arena);
    dnnl_memory_t mdw = bind_output(&c->dw, dw, arena);
    if (!mx || !mdy || !mdw) return 1;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, mx}, {DNNL_ARG_DIFF_DST, mdy}, {DNNL_ARG_DIFF_WEIGHTS, mdw}};
    int count = 3;
    if (c->shape.bias_gradient) {
        RUN(dnnl_memory_set_data_handle(c->bias_gradient, db));
        args[count++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_BIAS, c->bias_gradient};
    }
    if (execute(c, &c->backward_weights, count, args, arena) || finish_output(c, &c->dw, 0, arena)) return 1;
    if (dx) {
        dnnl_memory_t ddy = c->dy_shared ? mdy : bind_input(c, &c->dy_data, dy, arena);
        dnnl_memory_t dwm = bind_input(c, &c->w_data, w, arena);
        dnnl_memory_t mdx = bind_output(&c->dx, dx, arena);
        if (!ddy || !dwm || !mdx) return 1;
        dnnl_exec_arg_t data_args[3] = {{DNNL_ARG_DIFF_DST, ddy}, {DNNL_ARG_WEIGHTS, dwm}, {DNNL_ARG_DIFF_SRC, mdx}};
        if (execute(c, &c->backward_data, 3, data_args, arena) || finish_output(c, &c->dx, accumulate_dx, arena)) return 1;
    }
    return dnnl_stream_wait(c->stream) == dnnl_success ? 0 : 1;
}
