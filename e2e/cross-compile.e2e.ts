/**
 * Issue 13: `nx g nx-crossbake:cross-compile` on the classic cross-build example and on a larger Go
 * program, built for linux/amd64, linux/arm64 and linux/arm/v7 after the rewrite (the larger one before it
 * too, and both of its builds cold: the e2e's own builder pruned first; the classic one warm, after it),
 * through `nx run` of the real plugin.
 *
 * golang:latest is the rig's stand-in (e2e/rig/golang.sh: Debian's Go 1.19 laid out like the official
 * image, with GO111MODULE=auto). The classic example has no go.mod and builds thanks to GO111MODULE=auto;
 * the ledger has a go.mod and downloads modules in its build stage: the generator meets both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE, imageRef, REGISTRY, run, runImage, SETUP_OPTIONS, Workspace, type ServiceSpec } from './support/workspace';
import { coldNxRun } from './support/cold-build';

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const GOLANG = `${REGISTRY}/crossbake/golang:latest`;
// A builder of this file's own: pruning its cache never takes another suite's.
const BUILDER = 'e2e-cross-compile';
const HOST_MACHINE = run('uname', ['-m']).stdout.trim();

const HELLO_GO = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello world")\n}\n';

// The classic example, as written before Go modules.
const HELLO_DOCKERFILE = `FROM ${GOLANG}
WORKDIR /app
COPY main.go .
RUN go build -o main .
CMD ["./main"]
`;

// /proc/uptime (the host's clock, the same in every container and under QEMU) brackets the compile, and
// uname -m records the machine the compile ran on: both travel with the binary in /out/.
const LEDGER_DOCKERFILE = `# The ledger: compiled in the golang image, shipped on busybox.
FROM ${GOLANG}
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY main.go ./
RUN mkdir -p /out && cat /proc/uptime > /out/compile-start && go build -o /out/ . && cat /proc/uptime > /out/compile-end && uname -m > /out/build-machine

FROM ${BASE_IMAGE}
COPY --from=0 /out/ /out/
CMD ["/out/ledger"]
`;

const LEDGER_GO = String.raw`// Command ledger reads a small built-in journal of transactions, checks it, and prints balances, a
// report rendered with text/template, a JSON summary and a digest: enough standard library to make
// the compile worth measuring, with output that is the same on every platform.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"text/template"
	"unicode"
)

const journal = "2024-01-02 opening    assets:bank        1000.00\n" +
	"2024-01-02 opening    equity:opening    -1000.00\n" +
	"2024-01-05 groceries  expenses:food        42.17\n" +
	"2024-01-05 groceries  assets:bank         -42.17\n" +
	"2024-01-09 salary     assets:bank        2500.00\n" +
	"2024-01-09 salary     income:salary     -2500.00\n" +
	"2024-01-12 rent       expenses:housing    900.00\n" +
	"2024-01-12 rent       assets:bank        -900.00\n" +
	"2024-01-20 books      expenses:education   31.99\n" +
	"2024-01-20 books      assets:card         -31.99\n" +
	"2024-01-28 card       assets:card          31.99\n" +
	"2024-01-28 card       assets:bank         -31.99\n"

type Posting struct {
	Date    string   "json:\"date\""
	Payee   string   "json:\"payee\""
	Account string   "json:\"account\""
	Amount  *big.Rat "json:\"-\""
	Cents   int64    "json:\"cents\""
}

type Transaction struct {
	Date     string
	Payee    string
	Postings []Posting
}

type Balance struct {
	Account string "json:\"account\""
	Cents   int64  "json:\"cents\""
	Depth   int    "json:\"depth\""
}

var linePattern = regexp.MustCompile("^(\\d{4}-\\d{2}-\\d{2})\\s+(\\S+)\\s+([a-z]+(?::[a-z]+)*)\\s+(-?\\d+\\.\\d{2})$")

var errUnbalanced = errors.New("transaction does not balance")

func parse(r io.Reader) ([]Transaction, error) {
	scanner := bufio.NewScanner(r)
	var txs []Transaction
	lineNo := 0
	for scanner.Scan() {
		lineNo++
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, ";") {
			continue
		}
		m := linePattern.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d: cannot read %q", lineNo, line)
		}
		amount, ok := new(big.Rat).SetString(m[4])
		if !ok {
			return nil, fmt.Errorf("line %d: bad amount %q", lineNo, m[4])
		}
		cents := new(big.Rat).Mul(amount, big.NewRat(100, 1))
		p := Posting{Date: m[1], Payee: m[2], Account: m[3], Amount: amount, Cents: cents.Num().Int64()}
		if n := len(txs); n > 0 && txs[n-1].Date == p.Date && txs[n-1].Payee == p.Payee {
			txs[n-1].Postings = append(txs[n-1].Postings, p)
		} else {
			txs = append(txs, Transaction{Date: p.Date, Payee: p.Payee, Postings: []Posting{p}})
		}
	}
	return txs, scanner.Err()
}

func check(txs []Transaction) error {
	for _, tx := range txs {
		sum := new(big.Rat)
		for _, p := range tx.Postings {
			sum.Add(sum, p.Amount)
		}
		if sum.Sign() != 0 {
			return fmt.Errorf("%s %s: %w (off by %s)", tx.Date, tx.Payee, errUnbalanced, sum.FloatString(2))
		}
	}
	return nil
}

func balances(txs []Transaction) []Balance {
	totals := map[string]int64{}
	for _, tx := range txs {
		for _, p := range tx.Postings {
			parts := strings.Split(p.Account, ":")
			for i := range parts {
				totals[strings.Join(parts[:i+1], ":")] += p.Cents
			}
		}
	}
	out := make([]Balance, 0, len(totals))
	for account, cents := range totals {
		out = append(out, Balance{Account: account, Cents: cents, Depth: strings.Count(account, ":")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out
}

func money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign = "-"
		cents = -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var groups []string
	for len(whole) > 3 {
		groups = append([]string{whole[len(whole)-3:]}, groups...)
		whole = whole[:len(whole)-3]
	}
	groups = append([]string{whole}, groups...)
	return fmt.Sprintf("%s%s.%02d", sign, strings.Join(groups, ","), cents%100)
}

const reportTemplate = "{{range .}}{{indent .Depth}}{{.Account | leaf | title}}\t{{money .Cents}}\n{{end}}"

func report(w io.Writer, bs []Balance) error {
	funcs := template.FuncMap{
		"indent": func(n int) string { return strings.Repeat("  ", n) },
		"money":  money,
		"leaf":   func(a string) string { return a[strings.LastIndex(a, ":")+1:] },
		"title": func(s string) string {
			r := []rune(s)
			if len(r) > 0 {
				r[0] = unicode.ToUpper(r[0])
			}
			return string(r)
		},
	}
	t, err := template.New("report").Funcs(funcs).Parse(reportTemplate)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	if err := t.Execute(tw, bs); err != nil {
		return err
	}
	return tw.Flush()
}

type Stats struct {
	Transactions int     "json:\"transactions\""
	Postings     int     "json:\"postings\""
	MeanExpense  float64 "json:\"meanExpense\""
	StdDev       float64 "json:\"stdDev\""
	Largest      string  "json:\"largest\""
}

func stats(txs []Transaction) Stats {
	var expenses []float64
	s := Stats{Transactions: len(txs)}
	var largest int64
	for _, tx := range txs {
		s.Postings += len(tx.Postings)
		for _, p := range tx.Postings {
			if strings.HasPrefix(p.Account, "expenses:") {
				expenses = append(expenses, float64(p.Cents)/100)
			}
			if p.Cents > largest {
				largest = p.Cents
				s.Largest = tx.Payee
			}
		}
	}
	if len(expenses) == 0 {
		return s
	}
	var sum float64
	for _, e := range expenses {
		sum += e
	}
	s.MeanExpense = math.Round(sum/float64(len(expenses))*100) / 100
	var sq float64
	for _, e := range expenses {
		sq += (e - s.MeanExpense) * (e - s.MeanExpense)
	}
	s.StdDev = math.Round(math.Sqrt(sq/float64(len(expenses)))*100) / 100
	return s
}

func digest(txs []Transaction) (string, string, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	for _, tx := range txs {
		if err := enc.Encode(tx.Postings); err != nil {
			return "", "", err
		}
	}
	sum := sha256.Sum256(raw.Bytes())
	var packed bytes.Buffer
	zw, err := gzip.NewWriterLevel(&packed, gzip.BestCompression)
	if err != nil {
		return "", "", err
	}
	zw.ModTime = zw.ModTime.UTC()
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return "", "", err
	}
	if err := zw.Close(); err != nil {
		return "", "", err
	}
	short := base64.RawURLEncoding.EncodeToString(sum[:9])
	return hex.EncodeToString(sum[:]), fmt.Sprintf("%s (%d bytes raw, gzip %s)", short, raw.Len(), ratio(raw.Len(), packed.Len())), nil
}

func ratio(raw, packed int) string {
	if packed == 0 {
		return "n/a"
	}
	return strconv.FormatFloat(float64(raw)/float64(packed), 'f', 1, 64) + "x"
}

func fibonacci(n int) *big.Int {
	a, b := big.NewInt(0), big.NewInt(1)
	for i := 0; i < n; i++ {
		a.Add(a, b)
		a, b = b, a
	}
	return a
}

func main() {
	txs, err := parse(strings.NewReader(journal))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := check(txs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bs := balances(txs)
	if err := report(os.Stdout, bs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	summary, err := json.MarshalIndent(struct {
		Stats    Stats     "json:\"stats\""
		Balances []Balance "json:\"balances\""
	}{stats(txs), bs}, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(summary))
	full, short, err := digest(txs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("sha256", full)
	fmt.Println("digest", short)
	fmt.Println("fib(90)", fibonacci(90).String())
}
`;

const service = (name: string, dockerfile: string, files: Record<string, string>): ServiceSpec => ({
  name,
  root: `apps/${name}`,
  dockerfile,
  files,
  options: { platforms: PLATFORMS, tags: [imageRef(name)], push: true, builder: BUILDER },
});

interface Build {
  seconds: number;
  output: string;
  /** Per platform: what the image prints. */
  prints: Record<string, string>;
  /** Ledger only, per platform: the machine the compile ran on, and the compile's seconds. */
  machine: Record<string, string>;
  compile: Record<string, number>;
}

/** A cold build (the builder pruned first), or a warm one: on the ledger's cache, for what is only run, not timed. */
function build(ws: Workspace, project: string, warm = false): Build {
  const started = Date.now();
  const warmRun = warm ? ws.nx(['run', `${project}:docker-multiarch`]) : undefined;
  if (warmRun && warmRun.code !== 0) throw new Error(`nx run ${project}:docker-multiarch failed:\n${warmRun.output}`);
  const result = warmRun ? { seconds: (Date.now() - started) / 1000, output: warmRun.output } : coldNxRun(ws, BUILDER, project);
  const seconds = result.seconds;
  const done: Build = { seconds, output: result.output, prints: {}, machine: {}, compile: {} };
  for (const platform of PLATFORMS) {
    done.prints[platform] = runImage(imageRef(project), platform);
    if (project !== 'ledger') continue;
    const [machine, start, end] = runImage(imageRef(project), platform, [
      'sh',
      '-c',
      'cat /out/build-machine; cut -d" " -f1 /out/compile-start /out/compile-end',
    ]).split('\n');
    done.machine[platform] = machine;
    done.compile[platform] = Number(end) - Number(start);
  }
  return done;
}

const total = (b: Build) => Object.values(b.compile).reduce((sum, s) => sum + s, 0);
const slowest = (b: Build) => Math.max(...Object.values(b.compile));

describe('nx g nx-crossbake:cross-compile', () => {
  let ws: Workspace;
  const before: Record<string, Build> = {};
  const after: Record<string, Build> = {};
  let dryRun: ReturnType<Workspace['nx']>;
  let afterDryRun: string;
  const generated: Record<string, ReturnType<Workspace['nx']>> = {};
  const again: Record<string, ReturnType<Workspace['nx']>> = {};
  const original: Record<string, string> = {};
  const rewritten: Record<string, string> = {};

  beforeAll(() => {
    ws = new Workspace(
      'cross-compile',
      [
        service('hello', HELLO_DOCKERFILE, { 'main.go': HELLO_GO }),
        service('ledger', LEDGER_DOCKERFILE, { 'main.go': LEDGER_GO, 'go.mod': 'module example.com/ledger\n\ngo 1.19\n' }),
      ],
      {},
      { ...SETUP_OPTIONS, builder: BUILDER },
    );
    for (const project of ['hello', 'ledger']) original[project] = ws.read(`apps/${project}/Dockerfile`);
    // Only the ledger is built before the rewrite: its image records where and how long each platform's compile
    // ran, the measure of the rewrite, and the advisor's warning is the same for both. The classic example's
    // emulated build (two minutes of QEMU on two cores) would prove nothing more; after the rewrite its image
    // must print what the program prints, on every platform.
    before.ledger = build(ws, 'ledger');
    dryRun = ws.nx(['g', 'nx-crossbake:cross-compile', '--project=ledger', '--dry-run']);
    afterDryRun = ws.read('apps/ledger/Dockerfile');
    for (const project of ['hello', 'ledger']) {
      generated[project] = ws.nx(['g', 'nx-crossbake:cross-compile', `--project=${project}`]);
      rewritten[project] = ws.read(`apps/${project}/Dockerfile`);
      again[project] = ws.nx(['g', 'nx-crossbake:cross-compile', `--project=${project}`]);
    }
    after.ledger = build(ws, 'ledger');
    // The classic example right after, on the cache the ledger's cold build left (the golang image unpacked once).
    after.hello = build(ws, 'hello', true);
    const [b, a] = [before.ledger, after.ledger];
    process.stderr.write(
      `[e2e] cross-compile: ledger: cold nx run ${b.seconds.toFixed(1)}s emulated, ${a.seconds.toFixed(1)}s cross-compiled (${(b.seconds / a.seconds).toFixed(1)}x); hello cross-compiled ${after.hello.seconds.toFixed(1)}s (warm)\n`,
    );
    const perPlatform = PLATFORMS.map((p) => `${p} ${b.compile[p].toFixed(1)}s -> ${a.compile[p].toFixed(1)}s`).join(', ');
    process.stderr.write(
      `[e2e] cross-compile: ledger compile steps: ${perPlatform}; sum ${total(b).toFixed(1)}s -> ${total(a).toFixed(1)}s (${(total(b) / total(a)).toFixed(1)}x), slowest ${slowest(b).toFixed(1)}s -> ${slowest(a).toFixed(1)}s (${(slowest(b) / slowest(a)).toFixed(1)}x)\n`,
    );
  });

  it('built the original with the compile under QEMU, and the advisor ended its warning with the generator command', () => {
    expect(before.ledger.machine).toEqual({ 'linux/amd64': HOST_MACHINE, 'linux/arm64': 'aarch64', 'linux/arm/v7': 'armv7l' });
    expect(before.ledger.output).toContain(
      'to move the Go compiles to the build platform, run: nx g nx-crossbake:cross-compile --project=ledger',
    );
    // Its link leads to the page in the installed package (issue #24): the docs ship with it.
    const link = before.ledger.output.match(/see (node_modules\/nx-crossbake\/docs\/builder\.md)#troubleshooting/)?.[1];
    expect(link).toBeDefined();
    expect(readFileSync(join(ws.dir, link!), 'utf8')).toMatch(/^## Troubleshooting$/m);
  });

  it('--dry-run prints the diff and writes nothing', () => {
    expect(dryRun.code).toBe(0);
    expect(dryRun.output).toContain('+++ b/apps/ledger/Dockerfile');
    expect(dryRun.output).toContain('+FROM --platform=$BUILDPLATFORM');
    expect(afterDryRun).toBe(original.ledger);
    expect(rewritten.ledger).not.toBe(original.ledger); // while the real run did change it
  });

  it('rewrote both Dockerfiles: a $BUILDPLATFORM twin of the stage, the binary copied back, stage numbers moved', () => {
    for (const project of ['hello', 'ledger']) {
      expect(generated[project].code).toBe(0);
      expect(generated[project].output).toContain(`+FROM --platform=$BUILDPLATFORM ${GOLANG} AS build`);
      expect(rewritten[project]).toContain('ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH\n');
      // GOARM from the variant in the compile's shell: no Dockerfile frontend 1.7 needed (generators/cross-compile/rewrite/goarm.ts).
      expect(rewritten[project]).toContain('RUN export GOARM="${TARGETVARIANT#v}"; ');
    }
    expect(rewritten.hello).toContain('COPY --from=build /app/main /app/main\nCMD ["./main"]');
    expect(rewritten.ledger).toContain('COPY --from=build /out/ /out/');
    expect(rewritten.ledger).toContain('COPY --from=1 /out/ /out/');
    expect(rewritten.ledger).not.toContain('--from=0');
  });

  it('is idempotent: a second run changes nothing', () => {
    for (const project of ['hello', 'ledger']) {
      expect(again[project].code).toBe(0);
      expect(again[project].output).toContain('nothing to rewrite');
      expect(ws.read(`apps/${project}/Dockerfile`)).toBe(rewritten[project]);
    }
  });

  it('every image prints the same before and after, on every platform', () => {
    expect(after.hello.prints).toEqual(Object.fromEntries(PLATFORMS.map((p) => [p, 'hello world'])));
    expect(before.ledger.prints['linux/amd64']).toContain('fib(90) 2880067194370816120');
    expect(after.ledger.prints).toEqual(before.ledger.prints);
  });

  it('compiled on the build machine for every platform after the rewrite', () => {
    expect(after.ledger.machine).toEqual(Object.fromEntries(PLATFORMS.map((p) => [p, HOST_MACHINE])));
    expect(after.ledger.output).not.toContain('cross-compile --project=ledger');
  });

  it('the rewritten build is faster', () => {
    expect(total(after.ledger)).toBeLessThan(total(before.ledger));
    expect(after.ledger.seconds).toBeLessThan(before.ledger.seconds);
  });
});
