/* Calls a qat-compile'd model (name "model") while its allocations fail:
 * this program's aligned_alloc and free (glibc's __libc_memalign and
 * __libc_free underneath) refuse on demand and count the model's live
 * blocks. The failed call must return MODEL_OUT_OF_MEMORY, leave the
 * outputs untouched and hold no block; the next call computes what the
 * first one did. */
#include "model.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *p);

static int refuse, calls;
static void *live[64];
static int numLive;

void *aligned_alloc(size_t alignment, size_t size) {
  ++calls;
  if (refuse || numLive == 64)
    return NULL;
  void *p = __libc_memalign(alignment, size);
  if (p)
    live[numLive++] = p;
  return p;
}

void free(void *p) {
  for (int i = 0; i < numLive; ++i)
    if (live[i] == p) {
      live[i] = live[--numLive];
      break;
    }
  __libc_free(p);
}

static float x[MODEL_FORWARD_INPUT0_SIZE];
static float y[MODEL_FORWARD_OUTPUT0_SIZE], y2[MODEL_FORWARD_OUTPUT0_SIZE];

int main(void) {
  uint32_t s = 12345;
  for (int i = 0; i < MODEL_FORWARD_INPUT0_SIZE; ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = (float)(s >> 8) / 16777216.0f;
  }
  if (model_forward(x, y) != MODEL_OK || calls == 0 || numLive != 0) {
    printf("the first call failed, allocated nothing or leaked\n");
    return 1;
  }
  for (int i = 0; i < MODEL_FORWARD_OUTPUT0_SIZE; ++i)
    y2[i] = -12345.0f;
  refuse = 1;
  int status = model_forward(x, y2);
  refuse = 0;
  if (status != MODEL_OUT_OF_MEMORY) {
    printf("status %d, not MODEL_OUT_OF_MEMORY\n", status);
    return 1;
  }
  for (int i = 0; i < MODEL_FORWARD_OUTPUT0_SIZE; ++i)
    if (y2[i] != -12345.0f) {
      printf("the failed call wrote output %d\n", i);
      return 1;
    }
  if (numLive != 0) {
    printf("the failed call leaked %d blocks\n", numLive);
    return 1;
  }
  if (model_forward(x, y2) != MODEL_OK || memcmp(y, y2, sizeof y) != 0) {
    printf("the retry failed or computed other outputs\n");
    return 1;
  }
  printf("out of memory: status %d, nothing written, nothing leaked; the "
         "retry computes the same outputs\n",
         status);
  return 0;
}
