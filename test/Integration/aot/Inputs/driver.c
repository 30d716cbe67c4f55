/* Runs a qat-compile'd model (name "model") on deterministic pseudo-random
 * inputs in [-3, 3) and writes its raw outputs: objects built for
 * different ISAs must write identical bytes. */
#include "model.h"
#include <stdint.h>
#include <stdio.h>
static float x[MODEL_FORWARD_INPUT0_SIZE], y[MODEL_FORWARD_OUTPUT0_SIZE];
int main(int argc, char **argv) {
  uint32_t s = 12345;
  for (int i = 0; i < MODEL_FORWARD_INPUT0_SIZE; ++i) {
    s = s * 1664525u + 1013904223u;
    x[i] = (float)(s >> 8) / 16777216.0f * 6.0f - 3.0f;
  }
  if (model_forward(x, y) != MODEL_OK)
    return 2;
  FILE *out = argc == 2 ? fopen(argv[1], "wb") : NULL;
  if (!out || fwrite(y, sizeof y, 1, out) != 1)
    return 1;
  return fclose(out) != 0;
}
