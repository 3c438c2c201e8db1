package io.sallyport.gateway.runtime;

import io.sallyport.ike.Action;

/** What the gateway does with kmd's actions other than sending; called on the control agent's thread. */
public interface KmdListener {

    void installChildSa(Action.InstallChildSa a);

    void switchOutbound(Action.SwitchOutbound a);

    void childSaMoved(Action.ChildSaMoved a);

    void deleteChildSa(Action.DeleteChildSa a);

    void ikeSaUp(Action.IkeSaUp a);

    void ikeSaDown(Action.IkeSaDown a);

    void childRefused(Action.ChildRefused a);

    void trace(Action.Trace a);
}
