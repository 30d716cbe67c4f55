/* classify.c - classify Fashion-MNIST test images with a qat-compile'd model.
 *
 *   qat-compile m1.int8.mlir -o model.o --header model.h --name model
 *   cc -O2 -I. examples/aot/classify.c model.o -lz -lm -o classify
 *   ./classify /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
 *              /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
 *
 * Prints the accuracy and the time per batch. Options (after the files):
 *   --quantized    feed the uint8/int8 entry (model_forward_q), quantizing
 *                  the pixels here with the header's scale and zero point
 *   --dump FILE    write every output (raw, row-major, batch after batch)
 *   --repeat N     time N passes over the data (median batch time printed)
 *   --limit N      use only the first N images
 *
 * A threaded build (qat-compile --threads N: each int8 layer split over N
 * OpenMP threads, the header then defines MODEL_THREADS) links libomp too:
 *   qat-compile m1.int8.mlir --threads 2 -o model.o --header model.h --name
 * model
 *   cc -O2 -I. examples/aot/classify.c model.o -lz -lm \
 *      -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib -o classify
 *
 * Built with -DCLASSIFY_NO_ZLIB (e.g. a static cross build for a target
 * without zlib) it reads uncompressed IDX files instead.
 * Needs only the model's object, its header, libc, libm and zlib (for the
 * .gz files). Pixels are scaled as in training: p / 255.0f.
 */
#include "model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef CLASSIFY_NO_ZLIB
#include <zlib.h>
#endif

#define IN_SIZE MODEL_FORWARD_INPUT0_SIZE
#define OUT_SIZE MODEL_FORWARD_OUTPUT0_SIZE
#define PER_IMAGE (IN_SIZE / MODEL_BATCH)
#define CLASSES (OUT_SIZE / MODEL_BATCH)

static unsigned char *read_gz(const char *path, size_t *size) {
#ifdef CLASSIFY_NO_ZLIB
  FILE *f = fopen(path, "rb");
#else
  gzFile f = gzopen(path, "rb");
#endif
  if (!f) {
    fprintf(stderr, "classify: cannot open %s\n", path);
    exit(1);
  }
  size_t cap = 1 << 20, n = 0;
  unsigned char *buf = malloc(cap);
  long got;
#ifdef CLASSIFY_NO_ZLIB
  while ((got = (long)fread(buf + n, 1, cap - n, f)) > 0) {
#else
  while ((got = gzread(f, buf + n, (unsigned)(cap - n))) > 0) {
#endif
    n += (size_t)got;
    if (n == cap)
      buf = realloc(buf, cap *= 2);
  }
  if (got < 0) {
    fprintf(stderr, "classify: %s: corrupt or truncated gzip data\n", path);
    exit(1);
  }
#ifdef CLASSIFY_NO_ZLIB
  fclose(f);
#else
  gzclose(f);
#endif
  *size = n;
  return buf;
}

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr,
            "usage: %s IMAGES.gz LABELS.gz [--quantized] "
            "[--dump FILE] [--repeat N] [--limit N]\n",
            argv[0]);
    return 2;
  }
  int quantized = 0, repeat = 1;
  long limit = -1;
  const char *dump = NULL;
  for (int i = 3; i < argc; ++i) {
    if (!strcmp(argv[i], "--quantized"))
      quantized = 1;
    else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
      dump = argv[++i];
    else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
      limit = atol(argv[++i]);
    else {
      fprintf(stderr, "classify: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  size_t isz, lsz;
  unsigned char *images = read_gz(argv[1], &isz);
  unsigned char *labels = read_gz(argv[2], &lsz);
  if (isz < 16 || be32(images) != 0x803 || lsz < 8 || be32(labels) != 0x801) {
    fprintf(stderr, "classify: not IDX image/label files\n");
    return 1;
  }
  size_t count = be32(images + 4);
  if ((size_t)be32(images + 8) * be32(images + 12) != PER_IMAGE ||
      isz < 16 + count * PER_IMAGE || be32(labels + 4) != count ||
      lsz < 8 + count) {
    fprintf(stderr,
            "classify: the files do not hold %zu images of %d "
            "pixels and their labels\n",
            count, PER_IMAGE);
    return 1;
  }
  if (limit >= 0 && (size_t)limit < count)
    count = (size_t)limit;

  float *x = calloc(IN_SIZE, sizeof(float)),
        *y = malloc(OUT_SIZE * sizeof(float));
  /* Quantized buffers hold uint8 or int8 storage per the header. */
  uint8_t *xq = calloc(IN_SIZE, 1), *yq = malloc(OUT_SIZE);
  FILE *out = dump ? fopen(dump, "wb") : NULL;
  if (dump && !out) {
    fprintf(stderr, "classify: cannot write %s\n", dump);
    return 1;
  }
  size_t batches = (count + MODEL_BATCH - 1) / MODEL_BATCH;
  double *times = malloc(sizeof(double) * batches * (size_t)repeat);
  size_t correct = 0, timed = 0;
  for (int r = 0; r < repeat; ++r) {
    correct = 0;
    for (size_t b = 0; b < batches; ++b) {
      size_t first = b * MODEL_BATCH;
      size_t n = count - first < MODEL_BATCH ? count - first : MODEL_BATCH;
      const unsigned char *px = images + 16 + first * PER_IMAGE;
      /* A short last batch is padded with zero images and not counted. */
      for (size_t i = 0; i < (size_t)IN_SIZE; ++i) {
        float v = i < n * PER_IMAGE ? px[i] / 255.0f : 0.0f;
        x[i] = v;
#ifdef MODEL_FORWARD_Q_INPUT0_SCALE
        if (quantized) {
          /* docs/numerics.md: clamp(nearbyint(x * (1 / s)) + zp, qmin, qmax) */
          float q = nearbyintf(v * (1.0f / MODEL_FORWARD_Q_INPUT0_SCALE)) +
                    MODEL_FORWARD_Q_INPUT0_ZERO_POINT;
          q = q < MODEL_FORWARD_Q_INPUT0_QMIN ? MODEL_FORWARD_Q_INPUT0_QMIN : q;
          q = q > MODEL_FORWARD_Q_INPUT0_QMAX ? MODEL_FORWARD_Q_INPUT0_QMAX : q;
          xq[i] = (uint8_t)(int)q; /* int8 storage: the same bits */
        }
#endif
      }
      double t0 = now();
      int status;
#ifdef MODEL_FORWARD_Q_INPUT0_SCALE
      if (quantized)
        status = model_forward_q(xq, yq);
      else
#endif
        status = model_forward(x, y);
      times[timed++] = now() - t0;
      if (status != MODEL_OK) {
        /* MODEL_OUT_OF_MEMORY: the model's temporaries did not fit. */
        fprintf(stderr, "classify: the model failed with status %d (%s)\n",
                status,
                status == MODEL_OUT_OF_MEMORY ? "out of memory" : "unknown");
        return 1;
      }
      if (quantized)
        for (size_t i = 0; i < (size_t)OUT_SIZE; ++i)
#ifdef MODEL_FORWARD_Q_OUTPUT0_SCALE
          y[i] = ((MODEL_FORWARD_Q_OUTPUT0_QMIN < 0 ? (int)(int8_t)yq[i]
                                                    : (int)yq[i]) -
                  MODEL_FORWARD_Q_OUTPUT0_ZERO_POINT) *
                 MODEL_FORWARD_Q_OUTPUT0_SCALE;
#else
          y[i] = 0;
#endif
      for (size_t i = 0; i < n; ++i) {
        int best = 0;
        for (int c = 1; c < CLASSES; ++c)
          if (y[i * CLASSES + c] > y[i * CLASSES + best])
            best = c;
        correct += best == labels[8 + first + i];
      }
      if (out && r == 0)
        fwrite(quantized ? (void *)yq : (void *)y,
               quantized ? 1 : sizeof(float), n * CLASSES, out);
    }
  }
  if (quantized) {
#ifndef MODEL_FORWARD_Q_INPUT0_SCALE
    fprintf(stderr, "classify: this model has no quantized entry\n");
    return 1;
#endif
  }
  if (out)
    fclose(out);
  qsort(times, timed, sizeof(double), cmp_double);
#ifdef MODEL_THREADS
  const int threads = MODEL_THREADS;
#else
  const int threads = 1;
#endif
  printf("%zu images, accuracy %.2f%% (%zu correct), %s entry, batch %d, "
         "%d thread%s: median %.1f us per batch, %.0f images/s\n",
         count, 100.0 * (double)correct / (double)count, correct,
         quantized ? "quantized" : "float", MODEL_BATCH, threads,
         threads == 1 ? "" : "s", 1e6 * times[timed / 2],
         MODEL_BATCH / times[timed / 2]);
  free(times);
  free(x);
  free(y);
  free(xq);
  free(yq);
  free(images);
  free(labels);
  return 0;
}
