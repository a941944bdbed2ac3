# gen-vm-image: build and configure virtual machine images.
#
#   make                 build, then configure (with the defaults below)
#   make build           gen-vm-image $(BUILD_ARGS)
#   make configure       configure-vm-image $(CONFIGURE_ARGS)
#   make verify          gen-vm-image verify of what make build builds: the --architecture-path and
#                        --image-output-path of BUILD_ARGS (or the flow from CONFIGURE_ARGS), then
#                        $(VERIFY_ARGS)
#   make jar             only the jar, target/gen-vm-image.jar, with the man pages (target/man/man1)
#                        and bash/zsh completion (target/completion) generated beside it
#   make test            the whole test suite: unit tests, then integration tests (*IT) against the
#                        packaged jar (needs dep/debian.sh or dep/rhel.sh first); it first checks
#                        the formatting and never changes a source file
#   make format          format the Java sources (google-java-format, via spotless:apply)
#   make bench           benchmarks on loopback HTTP (bench/run.sh; BENCH_RUNS=5), see docs/BENCHMARKS.md
#   make install         install into $(PREFIX) (default /usr/local; DESTDIR for staging): the jar in
#                        lib/gen-vm-image, the launchers in bin, man pages in share/man/man1, completion
#                        in share/bash-completion/completions and share/zsh/site-functions, examples in
#                        share/gen-vm-image/examples (scripts/install.sh)
#   make uninstall       remove exactly what make install added, leaving $(PREFIX) as it was
#
# The image flows from build to configure: a path named on one side only is used on both, so
# --image-input-path in CONFIGURE_ARGS is also where make build writes the image, and
# --image-output-path in BUILD_ARGS is also what make configure reads (image.qcow2 in it when
# it names a folder, as gen-vm-image names the one image of an architecture file there; with
# several images, name the one to configure with --image-input-path).
#
# Example:
#   make BUILD_ARGS="--architecture-path examples/architecture.yml" \
#        CONFIGURE_ARGS="--image-input-path output-images/image.qcow2"

BUILD_ARGS ?=
CONFIGURE_ARGS ?=
VERIFY_ARGS ?=
PREFIX ?= /usr/local
DESTDIR ?=
MVN ?= mvn
MVN_FLAGS ?= -B -q

JAR := target/gen-vm-image.jar
DOCS := target/man/man1/gen-vm-image.1
# Class-data sharing archive of the jar, for a faster start (src/cds/make-archive.sh).
JSA := target/gen-vm-image.jsa
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: all build configure verify jar test format bench install uninstall clean

all: build configure

# Rebuilt whenever the jar (or a generated page) is missing or older than any source file; the
# build writes the man pages and completion scripts before the jar.
# One package run makes both (a grouped target: never two runs side by side under make -j).
$(JAR) $(DOCS) &: $(SOURCES)
	$(MVN) $(MVN_FLAGS) -DskipTests package

# Made after the jar; without qemu-img (which the training run needs) it is skipped.
$(JSA): $(JAR) src/cds/make-archive.sh bin/gen-vm-image
	src/cds/make-archive.sh

jar: $(JAR) $(DOCS) $(JSA)

# $(call option_value,--flag,WORDS): the value of --flag VALUE or --flag=VALUE in WORDS, if any.
option_value = $(firstword $(patsubst $(1)=%,%,$(filter $(1)=%,$(2))) $(call word_after,$(1),$(2)))
word_after = $(if $(filter $(1),$(firstword $(2))),$(word 2,$(2)),$(if $(word 2,$(2)),$(call word_after,$(1),$(wordlist 2,$(words $(2)),$(2)))))
BUILD_OUTPUT := $(call option_value,--image-output-path,$(BUILD_ARGS))
CONFIGURE_INPUT := $(call option_value,--image-input-path,$(CONFIGURE_ARGS))
BUILD_FLOW := $(if $(BUILD_OUTPUT),,$(if $(CONFIGURE_INPUT),--image-output-path '$(CONFIGURE_INPUT)'))
# A build output that names a folder (a trailing /, or a folder that exists) holds image.qcow2
# for an architecture file of one image: that file is what configure reads.
BUILT_IMAGE := $(if $(filter %/,$(BUILD_OUTPUT)),$(BUILD_OUTPUT)image.qcow2,$(if $(wildcard $(BUILD_OUTPUT)/.),$(BUILD_OUTPUT)/image.qcow2,$(BUILD_OUTPUT)))
CONFIGURE_FLOW := $(if $(CONFIGURE_INPUT),,$(if $(BUILD_OUTPUT),--image-input-path '$(BUILT_IMAGE)'))

build: $(JAR) $(JSA)
	bin/gen-vm-image $(BUILD_ARGS) $(BUILD_FLOW)

configure: $(JAR) $(JSA)
	bin/configure-vm-image $(CONFIGURE_ARGS) $(CONFIGURE_FLOW)

BUILD_ARCHITECTURE := $(call option_value,--architecture-path,$(BUILD_ARGS))
VERIFY_PATHS := $(if $(BUILD_ARCHITECTURE),--architecture-path '$(BUILD_ARCHITECTURE)') $(if $(BUILD_OUTPUT),--image-output-path '$(BUILD_OUTPUT)',$(BUILD_FLOW))

verify: $(JAR) $(JSA)
	bin/gen-vm-image verify $(VERIFY_PATHS) $(VERIFY_ARGS)

# The build itself checks the formatting (spotless:check, before compiling); checked first here
# too, so that the failure says what to do.
test:
	@$(MVN) $(MVN_FLAGS) spotless:check || \
	  { echo "make test: the Java sources are not formatted; run 'make format', then 'make test' again" >&2; exit 1; }
	$(MVN) -B verify

format:
	$(MVN) $(MVN_FLAGS) spotless:apply

bench: $(JAR) $(JSA)
	bench/run.sh

install: $(JAR) $(DOCS)
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' scripts/install.sh install

uninstall:
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' scripts/install.sh uninstall

clean:
	$(MVN) $(MVN_FLAGS) clean
