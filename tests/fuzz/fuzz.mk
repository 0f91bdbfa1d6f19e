# tests/fuzz/fuzz.mk — the libFuzzer drivers, built with clang under ASan and
# UBSan. Run from the top of the tree (`make fuzz` does):
#
#   make -f tests/fuzz/fuzz.mk                     build build/fuzz/fuzz_*
#   make -f tests/fuzz/fuzz.mk run-fuzz_record     fuzz one driver on one core
#        FUZZ_SECONDS=60 FUZZ_MAX_LEN=8192          (the defaults)
#   make -f tests/fuzz/fuzz.mk merge-fuzz_record   minimise what it found into
#                                                  tests/fuzz/corpus/fuzz_record
#
# The core sources are compiled here with clang, instrumented for coverage and
# the sanitizers; build/gen/embedded.c (the data/ files) comes from the main
# Makefile. A run keeps its finds in build/fuzz/found/NAME and any crashing
# input in build/fuzz/crashes/NAME; only `merge-NAME` touches the saved
# corpus, which `make test` replays (tests/fuzz/replay_main.c).

CLANG        ?= clang
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 8192
FUZZ_DIR     := build/fuzz
FUZZ_PKGS    := sqlite3 jansson libsodium libzstd
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
                -Isrc -Ibuild/gen $(shell pkg-config --cflags $(FUZZ_PKGS)) \
                $(FUZZ_SAN)
FUZZ_LIBS    := $(shell pkg-config --libs $(FUZZ_PKGS)) -lm -lpthread

FUZZ_CORE_SRC := $(sort $(wildcard src/core/*.c))
FUZZ_CORE_OBJ := $(FUZZ_CORE_SRC:%.c=$(FUZZ_DIR)/obj/%.o) \
                 $(FUZZ_DIR)/obj/gen/embedded.o
FUZZ_DRIVERS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES    := $(FUZZ_DRIVERS:tests/fuzz/%.c=%)
FUZZ_TARGETS  := $(FUZZ_NAMES:%=$(FUZZ_DIR)/%)

.PHONY: all FORCE $(FUZZ_NAMES:%=run-%) $(FUZZ_NAMES:%=merge-%)
all: $(FUZZ_TARGETS)

# The main Makefile owns the generator; SAN= keeps it writing into build/
# even when `make SAN=... fuzz` passed SAN down. Its own rule decides whether
# anything is out of date.
build/gen/embedded.c: FORCE
	$(MAKE) --no-print-directory -f Makefile SAN= $@

$(FUZZ_DIR)/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libcore.a: $(FUZZ_CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_TARGETS): $(FUZZ_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz.h \
                 tests/fuzz/fuzz_eval.h $(FUZZ_DIR)/libcore.a
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libcore.a \
	    $(FUZZ_LIBS)

# One process, one core: the saved corpus seeds it, new finds go to found/.
$(FUZZ_NAMES:%=run-%): run-%: $(FUZZ_DIR)/%
	@mkdir -p $(FUZZ_DIR)/found/$* $(FUZZ_DIR)/crashes/$*
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$*/ \
	    $(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) \
	    $(FUZZ_DIR)/found/$* tests/fuzz/corpus/$*

# Adds to the saved corpus only the finds that reach new edges (hit counts
# aside, which keeps it to a few hundred small files); inputs that crash are
# left out.
$(FUZZ_NAMES:%=merge-%): merge-%: $(FUZZ_DIR)/%
	@mkdir -p $(FUZZ_DIR)/found/$*
	$< -merge=1 -use_counters=0 -max_len=$(FUZZ_MAX_LEN) \
	    tests/fuzz/corpus/$* $(FUZZ_DIR)/found/$*

FORCE:

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
