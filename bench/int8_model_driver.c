/* int8_model_driver.c - times a qat-compile'd model for
 * bench/int8_model_bench.sh. Built per model and batch against the
 * object's header (qat-compile --name model --header model.h):
 *
 *   cc -O2 -I DIR int8_model_driver.c DIR/model.o -lm -o driver
 *   driver X.f32 RUNS [DUMP]
 *
 * X.f32: raw float32 [256][1][28][28] images (pixels / 255).
 * DUMP: the float outputs of the first 256 images, computed batch by batch
 * with model_forward (the bench compares them across batch sizes).
 * Then times, interleaved, RUNS calls of model_forward (float in/out:
 * quantize, the int8 layers, dequantize; what the peers' float-in,
 * float-out int8 models do) and of model_forward_q (uint8 in/out, the input
 * quantized here beforehand), after RUNS/10 (>= 10) warm-up calls of each.
 * Prints: "float_median_us float_min_us q_median_us q_min_us".
 */
#define _POSIX_C_SOURCE 200809L
#include "model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH MODEL_BATCH
#define IN_SIZE MODEL_FORWARD_INPUT0_SIZE
#define OUT_SIZE MODEL_FORWARD_OUTPUT0_SIZE
#define PER_IMAGE (IN_SIZE / BATCH)
#define PER_OUT (OUT_SIZE / BATCH)
#define IMAGES 256

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Stops on a failed call (MODEL_OUT_OF_MEMORY: the temporaries did not
 * fit). */
static void check(int status) {
  if (status != MODEL_OK) {
    fprintf(stderr, "int8_model_driver: the model failed with status %d\n",
            status);
    exit(2);
  }
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s X.f32 RUNS [DUMP]\n", argv[0]);
    return 2;
  }
  int runs = atoi(argv[2]);
  if (BATCH > IMAGES || IMAGES % BATCH != 0 || runs < 1) {
    fprintf(stderr, "int8_model_driver: batch %d must divide %d\n", BATCH,
            IMAGES);
    return 2;
  }
  float *x = malloc(sizeof(float) * IMAGES * PER_IMAGE);
  float *y = malloc(sizeof(float) * IMAGES * PER_OUT);
  uint8_t *xq = malloc(IN_SIZE), *yq = malloc(OUT_SIZE);
  double *tf = malloc(sizeof(double) * runs),
         *tq = malloc(sizeof(double) * runs);
  FILE *in = fopen(argv[1], "rb");
  if (!in || fread(x, sizeof(float) * PER_IMAGE, IMAGES, in) != IMAGES) {
    fprintf(stderr, "int8_model_driver: cannot read %d images from %s\n",
            IMAGES, argv[1]);
    return 2;
  }
  fclose(in);
  for (int b = 0; b < IMAGES / BATCH; ++b)
    check(model_forward(x + (size_t)b * IN_SIZE, y + (size_t)b * OUT_SIZE));
  if (argc > 3) {
    FILE *out = fopen(argv[3], "wb");
    if (!out || fwrite(y, sizeof(float) * PER_OUT, IMAGES, out) != IMAGES ||
        fclose(out)) {
      fprintf(stderr, "int8_model_driver: cannot write %s\n", argv[3]);
      return 2;
    }
  }
  /* docs/numerics.md's quantize, with the header's qparams. */
  const float inv = 1.0f / MODEL_FORWARD_Q_INPUT0_SCALE;
  for (int i = 0; i < IN_SIZE; ++i) {
    float q = nearbyintf(x[i] * inv) + (float)MODEL_FORWARD_Q_INPUT0_ZERO_POINT;
    q = fminf(fmaxf(q, (float)MODEL_FORWARD_Q_INPUT0_QMIN),
              (float)MODEL_FORWARD_Q_INPUT0_QMAX);
    xq[i] = (uint8_t)q;
  }
  int warm = runs / 10 < 10 ? 10 : runs / 10;
  for (int r = 0; r < warm; ++r) {
    check(model_forward(x, y));
    check(model_forward_q(xq, yq));
  }
  for (int r = 0; r < runs; ++r) {
    double t0 = now();
    int sf = model_forward(x, y);
    double t1 = now();
    int sq = model_forward_q(xq, yq);
    double t2 = now();
    check(sf);
    check(sq);
    tf[r] = t1 - t0;
    tq[r] = t2 - t1;
  }
  double fmin = tf[0], qmin = tq[0];
  for (int r = 1; r < runs; ++r) {
    fmin = tf[r] < fmin ? tf[r] : fmin;
    qmin = tq[r] < qmin ? tq[r] : qmin;
  }
  printf("%.3f %.3f %.3f %.3f\n", 1e6 * median(tf, runs), 1e6 * fmin,
         1e6 * median(tq, runs), 1e6 * qmin);
  return 0;
}
