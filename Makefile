# chiso — one GNU Makefile. Libraries come through pkg-config.
#
#   make            build ./chiso
#   make demo       build, load the demo data set into demo.db, serve the
#                   dashboard at http://127.0.0.1:8080/
#   make test       unit tests, fuzz-corpus replay, integration tests, browser tests
#   make SAN=address,undefined test   the same under sanitizers
#   make fuzz       build libFuzzer drivers (clang) into build/fuzz/
#   make deps       install the Debian packages the build and tests need
#   make bench      the benchmark (bench/run.sh), bench-quick a small one

CC      ?= cc
PKGS    := sqlite3 jansson libsodium libzstd libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

BUILD   := build$(if $(SAN),-san)
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
           -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Isrc -I$(BUILD)/gen \
           $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lm -lpthread
ifneq ($(SAN),)
CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SAN)
endif

CORE_SRC  := $(sort $(wildcard src/core/*.c))
STORE_SRC := $(sort $(wildcard src/store/*.c))
ENGINE_SRC:= $(sort $(wildcard src/engine/*.c))
CLI_SRC   := $(sort $(wildcard src/cli/*.c src/server/*.c))
LIB_SRC   := $(CORE_SRC) $(STORE_SRC) $(ENGINE_SRC)
UPLOT     := web/node_modules/uplot/dist/uPlot.iife.min.js \
             web/node_modules/uplot/dist/uPlot.min.css
WEB       := $(sort $(wildcard web/src/*)) $(UPLOT)
DATA      := $(sort $(wildcard data/*.csv)) data/indicators.conf \
             data/openapi.json $(WEB)

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(sort $(wildcard tests/unit/*.c tests/unit/*/*.c))
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)

.PHONY: all deps demo test unit-test fuzz-replay integration-test browser-test fuzz bench \
        bench-quick clean format
all: chiso$(if $(SAN),-san)

deps:
	@scripts/deps.sh

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

# uPlot, pinned by web/package-lock.json; the dashboard has no bundler.
# One rule for the first file (a two-target rule would run npm twice under
# -j); the second follows it.
$(firstword $(UPLOT)): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund
	@touch $(UPLOT)
$(lastword $(UPLOT)): $(firstword $(UPLOT))

$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(DATA)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(DATA)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(filter-out -Wmissing-prototypes,$(CFLAGS)) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libchiso.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

chiso$(if $(SAN),-san): $(CLI_OBJ) $(BUILD)/libchiso.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(TEST_OBJ) $(BUILD)/libchiso.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Fuzz drivers double as corpus replayers in `make test` (built with the
# normal compiler and a small main), and as libFuzzer targets with clang.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/%.c=%)
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(BUILD)/libchiso.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay_main.c \
	    $(BUILD)/libchiso.a $(LDLIBS)

unit-test: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

fuzz-replay: $(FUZZ_NAMES:%=$(BUILD)/replay/%)
	@for f in $(FUZZ_NAMES); do \
	    $(BUILD)/replay/$$f tests/fuzz/corpus/$$f || exit 1; done

integration-test: chiso$(if $(SAN),-san)
	CHISO=./chiso$(if $(SAN),-san) tests/integration/run.sh

# The dashboard in Debian's headless chromium (tests/browser/README.md);
# skipped with a message when the server has no dashboard at /.
browser-test: chiso$(if $(SAN),-san)
	CHISO=./chiso$(if $(SAN),-san) tests/browser/run.sh

test: deps
	$(MAKE) unit-test fuzz-replay integration-test browser-test

fuzz:
	$(MAKE) -f tests/fuzz/fuzz.mk

# deps first, then a fresh make: pkg-config must see the installed packages.
# Loads the demo year, then serves the dashboard in the foreground (Ctrl-C
# stops it).
demo: deps
	$(MAKE) chiso
	./chiso demo --db demo.db
	@echo "dashboard: http://127.0.0.1:8080/"
	./chiso serve --db demo.db --public-read --listen 127.0.0.1:8080

# The benchmark against DuckDB, SQLite and PostgreSQL (bench/run.sh; not part
# of `make test`): full size (~20 min) into bench/RESULTS.md, or a quick run
# into bench/RESULTS-quick.md.
bench: chiso
	bench/run.sh

bench-quick: chiso
	bench/run.sh --quick

format:
	clang-format -i $(CORE_SRC) $(STORE_SRC) $(ENGINE_SRC) $(CLI_SRC) src/*/*.h

clean:
	rm -rf build build-san chiso chiso-san web/node_modules

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
