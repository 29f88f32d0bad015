// bottleneck ships types for its main entry only; light.js is the same API without Redis clustering,
// and it is the build the Octokit plugins load, so the bundle carries one copy.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
