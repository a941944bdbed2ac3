# gen-vm-image: build and configure virtual machine images.
#
#   make                 build, then configure (with the defaults below)
#   make build           gen-vm-image $(BUILD_ARGS)
#   make configure       configure-vm-image $(CONFIGURE_ARGS)
#   make test            the whole test suite (needs dep/debian.sh or dep/rhel.sh first)
#   make bench           benchmarks on loopback HTTP (bench/run.sh; BENCH_RUNS=5), see docs/BENCHMARKS.md
#   make install         install into $(PREFIX) (default /usr/local); make uninstall removes it
#
# Example:
#   make BUILD_ARGS="--architecture-path examples/architecture.yml" \
#        CONFIGURE_ARGS="--image-input-path output-images/image.qcow2"

BUILD_ARGS ?=
CONFIGURE_ARGS ?=
PREFIX ?= /usr/local
DESTDIR ?=
MVN ?= mvn
MVN_FLAGS ?= -B -q

JAR := target/gen-vm-image.jar
# Class-data sharing archive of the jar, for a faster start (src/cds/make-archive.sh).
JSA := target/gen-vm-image.jsa
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

LIBDIR := $(DESTDIR)$(PREFIX)/lib/gen-vm-image
BINDIR := $(DESTDIR)$(PREFIX)/bin

.PHONY: all build configure jar test bench install uninstall clean

all: build configure

# Rebuilt whenever the jar is missing or older than any source file.
$(JAR): $(SOURCES)
	$(MVN) $(MVN_FLAGS) -DskipTests package

# Made after the jar; without qemu-img (which the training run needs) it is skipped.
$(JSA): $(JAR) src/cds/make-archive.sh
	src/cds/make-archive.sh

jar: $(JAR) $(JSA)

build: $(JAR) $(JSA)
	bin/gen-vm-image $(BUILD_ARGS)

configure: $(JAR) $(JSA)
	bin/configure-vm-image $(CONFIGURE_ARGS)

test:
	$(MVN) -B test

bench: $(JAR) $(JSA)
	bench/run.sh

install: $(JAR)
	install -d $(LIBDIR) $(BINDIR)
	install -m 0644 $(JAR) $(LIBDIR)/gen-vm-image.jar
	for b in bin/*; do install -m 0755 "$$b" $(BINDIR)/; done

uninstall:
	for b in bin/*; do rm -f $(BINDIR)/$$(basename "$$b"); done
	rm -f $(LIBDIR)/gen-vm-image.jar
	-rmdir $(LIBDIR) 2>/dev/null

clean:
	$(MVN) $(MVN_FLAGS) clean
