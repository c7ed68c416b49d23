import { imageTargetInputs } from './image-inputs';

describe('imageTargetInputs', () => {
  it("names the dependencies' files where Nx takes a file set after ^", () => {
    expect(imageTargetInputs({ dependencyFileSets: true })).toEqual(['{projectRoot}/**/*', '^{projectRoot}/**/*']);
  });

  it("falls back to the dependencies' default named input where ^ must name one (before Nx 22.6)", () => {
    expect(imageTargetInputs({ dependencyFileSets: false })).toEqual(['{projectRoot}/**/*', '^default']);
  });
});
