import { CrossbakeError } from '../errors';
import { buildOrder } from './build-order';

const edges = (...pairs: string[]) => pairs.map((pair) => ({ source: pair.split('>')[0], target: pair.split('>')[1] }));

describe('buildOrder', () => {
  it.each([
    ['keeps the given order without edges', ['c', 'a', 'b'], [], ['c', 'a', 'b']],
    ['moves a base to just before its first dependent', ['a', 'b', 'c'], edges('a>c'), ['c', 'a', 'b']],
    ['keeps a base that already comes first', ['base', 'api', 'web'], edges('api>base', 'web>base'), ['base', 'api', 'web']],
    ['orders a chain', ['app', 'runtime', 'os'], edges('app>runtime', 'runtime>os'), ['os', 'runtime', 'app']],
    ['orders a diamond, each project once', ['app', 'left', 'right', 'base'], edges('app>left', 'app>right', 'left>base', 'right>base'), ['base', 'left', 'right', 'app']],
    ['takes several bases in the given order', ['app', 'y', 'x'], edges('app>x', 'app>y'), ['y', 'x', 'app']],
    ['ignores edges to projects not listed', ['api'], edges('api>base', 'ghost>api'), ['api']],
    ['ignores duplicate projects and edges', ['a', 'b', 'a'], edges('a>b', 'a>b'), ['b', 'a']],
    ['handles nothing', [], [], []],
  ])('%s', (_, projects, deps, order) => {
    expect(buildOrder(projects, deps)).toEqual(order);
  });

  it('puts every base before its dependents and depends only on the order of projects, not of edges', () => {
    const projects = ['app', 'web', 'api', 'runtime', 'os', 'tools'];
    const deps = edges('app>runtime', 'web>runtime', 'api>runtime', 'api>tools', 'runtime>os', 'tools>os');
    const order = buildOrder(projects, deps);
    for (const { source, target } of deps) expect(order.indexOf(target)).toBeLessThan(order.indexOf(source));
    expect(buildOrder(projects, [...deps].reverse())).toEqual(order);
  });

  it.each([
    ['two projects', ['a', 'b'], edges('a>b', 'b>a'), 'a → b → a'],
    ['three projects, reached from outside the cycle', ['x', 'a', 'b', 'c'], edges('x>a', 'a>b', 'b>c', 'c>a'), 'a → b → c → a'],
    ['a project and itself', ['a'], edges('a>a'), 'a → a'],
  ])('throws naming a cycle of %s', (_, projects, deps, cycle) => {
    expect(() => buildOrder(projects, deps)).toThrow(CrossbakeError);
    expect(() => buildOrder(projects, deps)).toThrow(`in a cycle: ${cycle} (a → b: a's Dockerfile uses b's image)`);
  });

  it('orders a chain far longer than the call stack is deep', () => {
    const projects = Array.from({ length: 50_000 }, (_, i) => `p${i}`);
    const chain = projects.slice(1).map((source, i) => ({ source: projects[i], target: source }));
    const order = buildOrder(projects, chain);
    expect(order[0]).toBe('p49999');
    expect(order[order.length - 1]).toBe('p0');
  });
});
