// @dwell/tracker/vue: `<Dwell api="https://dwell.example.com" />` once in the root component. A
// render function rather than a single-file component, so no compile step is needed to use it.

import { defineComponent, onBeforeUnmount, onMounted, type PropType } from 'vue';
import { startLater, trackerOptions } from './later.ts';

export const Dwell = defineComponent({
  name: 'DwellTracker',
  props: {
    api: String,
    idle: [Number, String] as PropType<number | string>,
    mouse: [Number, String] as PropType<number | string>,
    grace: [Number, String] as PropType<number | string>,
    // A bare `debug` attribute turns it on; absent, Vue gives false, the tracker's default.
    debug: { type: [Boolean, String] as PropType<boolean | string>, default: false },
    sessionCookie: String,
    site: String,
    interval: Number,
  },
  setup(props) {
    let stop: (() => void) | undefined;
    onMounted(() => {
      stop = startLater(trackerOptions(props));
    });
    onBeforeUnmount(() => stop?.());
    return () => null;
  },
});

export default Dwell;
